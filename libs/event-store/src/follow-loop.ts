/**
 * How a follower of the log waits between passes: a pass reads what is new; when it finds nothing,
 * the loop sleeps until woken by an append or until the poll interval, so that writes the store is
 * not told about (another process, another connection) are still seen. A wake that comes while a
 * pass runs is remembered, so the next sleep returns at once: the pass may have read before that
 * append was visible.
 */
export class FollowLoop {
  private stopped = false;
  private pendingWake = false;
  private wakeUp: (() => void) | null = null;

  constructor(private readonly pollIntervalMs: number) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Called at the start of a pass: a wake from here on means the pass may have missed something. */
  beginPass(): void {
    this.pendingWake = false;
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Ends every sleep, now and later. */
  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /**
   * Waits for a wake or the poll interval. With `ignoreWakes` (after a failed read, to back off) only
   * the interval or `stop` ends it.
   */
  sleep(ignoreWakes = false): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.pendingWake && !ignoreWakes) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wakeUp = ignoreWakes ? () => (this.stopped ? done() : undefined) : done;
    });
  }
}
