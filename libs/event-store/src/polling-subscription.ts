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
  private stopped = false;
  private failure: unknown = undefined;
  private pendingWake = false;
  private wakeUp: (() => void) | null = null;
  private unregister: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(private readonly options: PollingSubscriptionOptions) {
    this.position = options.fromPosition;
  }

  /** Position of the last event delivered (the fromPosition until a first batch is delivered). */
  get lastPosition(): number {
    return this.position;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.unregister = this.options.onAppended?.(() => this.wake());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    this.waiters.rejectAll(new Error(`Subscription stopped at position ${this.position}`));
  }

  waitFor(position: number, timeoutMs?: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    if (this.failure !== undefined) return Promise.reject(this.failure);
    if (this.stopped) return Promise.reject(new Error(`Subscription stopped at position ${this.position}`));
    return this.waiters.wait(position, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for position ${position} (delivered up to ${this.position})`);
  }

  private wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped) {
        // A wake-up that arrives from here on means the read below may have missed something.
        this.pendingWake = false;
        let events: StoredEvent[];
        try {
          events = await this.options.readBatch(this.position);
        } catch (error) {
          if (this.options.retryReadErrors === true) {
            await this.sleep(true);
            continue;
          }
          this.fail(error);
          return;
        }
        if (this.stopped) return;
        if (events.length === 0) {
          await this.sleep(false);
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
      this.wakeUp = null;
      this.options.onStopped?.();
    }
  }

  /** Waits for a wake-up or the poll interval; `ignoreWakes` after a failed read, to back off. */
  private sleep(ignoreWakes: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pendingWake && !ignoreWakes) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      this.wakeUp = ignoreWakes ? () => (this.stopped ? done() : undefined) : done;
    });
  }

  private fail(error: unknown): void {
    this.failure = error;
    this.stopped = true;
    this.waiters.rejectAll(error);
    this.options.onError?.(error);
  }
}
