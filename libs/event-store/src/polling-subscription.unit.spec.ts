import { describe, expect, it } from '@jest/globals';
import type { StoredEvent } from './event-store.port.js';
import { PollingSubscription } from './polling-subscription.js';

function storedAt(position: number): StoredEvent {
  return {
    id: `id-${position}`,
    type: 'Tick',
    stream: 'sheet-a',
    revision: position - 1,
    position,
    data: {},
    metadata: { recordedAt: '2023-06-01T00:00:00.000Z', actor: 'a', correlationId: 'c', causationId: null, source: 's', schemaVersion: 1 },
  };
}

/** A log in memory whose reads can be made to fail, like a server that goes away and comes back. */
function flakyLog(size: number) {
  const log = Array.from({ length: size }, (_, i) => storedAt(i + 1));
  const reads: number[] = [];
  let failuresLeft = 0;
  return {
    reads,
    failNext(count: number) {
      failuresLeft = count;
    },
    readBatch: async (after: number): Promise<StoredEvent[]> => {
      reads.push(after);
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('14 UNAVAILABLE: connection refused');
      }
      return log.filter((event) => event.position > after).slice(0, 2);
    },
  };
}

describe('PollingSubscription', () => {
  it('retries failed reads from the last delivered position when asked to', async () => {
    const log = flakyLog(6);
    const delivered: number[] = [];
    const subscription = new PollingSubscription({
      fromPosition: 0,
      pollIntervalMs: 10,
      retryReadErrors: true,
      readBatch: log.readBatch,
      handler: async (events) => {
        delivered.push(...events.map((event) => event.position));
        if (delivered.length === 2) log.failNext(3);
      },
    });
    subscription.start();
    await subscription.waitFor(6, 2000);
    await subscription.stop();
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    // Three failed reads after position 2, each retried from position 2.
    expect(log.reads.slice(0, 6)).toEqual([0, 2, 2, 2, 2, 4]);
  });

  it('stops on a failed read when retrying is not asked for', async () => {
    const log = flakyLog(3);
    log.failNext(1);
    const errors: unknown[] = [];
    const subscription = new PollingSubscription({
      fromPosition: 0,
      pollIntervalMs: 10,
      readBatch: log.readBatch,
      handler: () => undefined,
      onError: (error) => errors.push(error),
    });
    subscription.start();
    await expect(subscription.waitFor(1, 1000)).rejects.toThrow('UNAVAILABLE');
    expect(errors).toHaveLength(1);
    await subscription.stop();
  });

  it('is woken by an append instead of waiting for the poll interval', async () => {
    const log: StoredEvent[] = [];
    let wake: () => void = () => undefined;
    const subscription = new PollingSubscription({
      fromPosition: 0,
      pollIntervalMs: 60_000,
      readBatch: async (after) => log.filter((event) => event.position > after),
      onAppended: (wakeUp) => {
        wake = wakeUp;
        return () => undefined;
      },
      handler: () => undefined,
    });
    subscription.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    log.push(storedAt(1));
    wake();
    const started = Date.now();
    await subscription.waitFor(1, 1000);
    expect(Date.now() - started).toBeLessThan(500);
    expect(subscription.lastPosition).toBe(1);
    await subscription.stop();
  });

  it('times out a waitFor that is not reached, without stopping', async () => {
    const subscription = new PollingSubscription({
      fromPosition: 0,
      pollIntervalMs: 10,
      readBatch: async () => [],
      handler: () => undefined,
    });
    subscription.start();
    await expect(subscription.waitFor(5, 50)).rejects.toThrow('Timed out');
    await subscription.stop();
    await expect(subscription.waitFor(5)).rejects.toThrow('stopped');
  });
});
