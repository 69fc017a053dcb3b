interface Waiter {
  position: number;
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Callers waiting until a position in the log is reached (delivered by a subscription, applied by
 * the read models, acknowledged by Kafka). The owner reports progress with `reached`.
 */
export class PositionWaiters {
  private waiters: Waiter[] = [];

  /** Resolves once `reached` is called with `position` or beyond; rejects with `timeoutMessage()` after `timeoutMs`. */
  wait(position: number, timeoutMs: number | undefined, timeoutMessage: () => string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, resolve, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(timeoutMessage()));
        }, timeoutMs);
      }
      this.waiters.push(waiter);
    });
  }

  reached(position: number): void {
    if (this.waiters.length === 0) return;
    const remaining: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.position <= position) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      } else {
        remaining.push(waiter);
      }
    }
    this.waiters = remaining;
  }

  rejectAll(error: unknown): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
