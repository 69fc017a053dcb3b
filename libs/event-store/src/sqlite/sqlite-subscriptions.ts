import { EventEmitter } from 'node:events';
import type { StoredEvent, SubscribeOptions, Subscription, SubscriptionHandler } from '../event-store.port.js';
import { PollingSubscription } from '../polling-subscription.js';

export interface SqliteSubscriptionsOptions {
  /** How often an idle subscription looks for events written by another connection (ms). */
  pollIntervalMs: number;
  /** Up to `limit` durable events after `after`. */
  readBatch: (after: number, limit: number) => StoredEvent[];
}

/**
 * The catch-up subscriptions of one store: they read from the last delivered position, are woken
 * after each commit of this store (and by notifyAppended), and otherwise poll, so that writes by
 * another connection on the same file are seen too.
 */
export class SqliteSubscriptions {
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();

  constructor(private readonly options: SqliteSubscriptionsOptions) {
    this.appended.setMaxListeners(0);
  }

  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  /** Wakes every subscription and onAppended listener. */
  notifyAppended(): void {
    this.appended.emit('appended');
  }

  subscribe(handler: SubscriptionHandler, options: SubscribeOptions): Subscription {
    const batchSize = options.batchSize ?? 500;
    const subscription = new PollingSubscription({
      handler,
      fromPosition: options.fromPosition ?? 0,
      pollIntervalMs: this.options.pollIntervalMs,
      onError: options.onError,
      readBatch: async (after) => this.options.readBatch(after, batchSize),
      onAppended: (wake) => this.onAppended(wake),
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  /** Resolves once no handler runs any more. */
  async stopAll(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
  }
}
