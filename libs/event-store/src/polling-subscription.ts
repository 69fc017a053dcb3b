import { FollowLoop } from './follow-loop.js';
import { PositionWaiters } from './position-waiters.js';
import type { StoredEvent, Subscription, SubscriptionHandler } from './event-store.port.js';

export interface PollingSubscriptionOptions {
  handler: SubscriptionHandler;
  /** Exclusive: delivery starts after this position. */
  fromPosition: number;
  /** Longest idle wait before looking again, so writes the store is not told about are still seen. */
  pollIntervalMs: number;
  /** Reads the next batch after a position, in position order ([] when caught up). */
  readBatch: (after: number) => Promise<StoredEvent[]>;
  /** Registers a wake-up call for new appends; returns the function that unregisters it. */
  onAppended?: (wake: () => void) => () => void;
  onError?: (error: unknown) => void;
  onStopped?: () => void;
  /**
   * When true, a failed read (the server is restarting, the connection dropped) is retried after the
   * poll interval from the last delivered position; when false, it stops the subscription like a handler error.
   */
  retryReadErrors?: boolean;
}

/**
 * A catch-up subscription built on reads only: read a batch after the last delivered position,
 * hand it to the handler, repeat; when caught up, sleep until woken by an append or the poll timer.
 * Because every batch is read from the last delivered position, ordering, resumption and recovery
 * after a lost connection need no extra bookkeeping. Do not await `stop()` inside the handler:
 * stop waits for the handler to return.
 */
export class PollingSubscription implements Subscription {
  private position: number;
  private failure: unknown = undefined;
  private readonly follow: FollowLoop;
  private unregister: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(private readonly options: PollingSubscriptionOptions) {
    this.position = options.fromPosition;
    this.follow = new FollowLoop(options.pollIntervalMs);
  }

  /** Position of the last event delivered (the fromPosition until a first batch is delivered). */
  get lastPosition(): number {
    return this.position;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.unregister = this.options.onAppended?.(() => this.follow.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.follow.stop();
    await this.loop;
    this.waiters.rejectAll(new Error(`Subscription stopped at position ${this.position}`));
  }

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.follow.isStopped) return Promise.reject(new Error(`Subscription stopped at position ${this.position}`));
    return this.waiters.wait(position, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for position ${position} (delivered up to ${this.position})`);
  }

  private async run(): Promise<void> {
    try {
      while (!this.follow.isStopped) {
        this.follow.beginPass();
        let events: StoredEvent[];
        try {
          events = await this.options.readBatch(this.position);
        } catch (error) {
          if (this.options.retryReadErrors === true) {
            await this.follow.sleep(true);
            continue;
          }
          this.fail(error);
          return;
        }
        if (this.follow.isStopped) return;
        if (events.length === 0) {
          await this.follow.sleep();
          continue;
        }
        try {
          await this.options.handler(events);
        } catch (error) {
          this.fail(error);
          return;
        }
        this.position = events[events.length - 1]!.position;
        this.waiters.reached(this.position);
      }
    } finally {
      this.unregister?.();
      this.options.onStopped?.();
    }
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.follow.stop();
    this.waiters.rejectAll(error);
    this.options.onError?.(error);
  }
}
