import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  InstrumentedEventStore,
  SqliteEventStore,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventStore,
  type EventStoreMetrics,
  type NewEvent,
  type Upcaster,
} from '#event-store';
import { eventStoreContract } from '../support/event-store-contract.js';

/** A metrics sink that keeps what it was told. */
class RecordedMetrics implements EventStoreMetrics {
  readonly appends: Array<{ stream: string; types: string[] }> = [];
  readonly failures: Array<{ stream: string; error: unknown }> = [];
  appended(stream: string, result: AppendResult): void {
    this.appends.push({ stream, types: result.events.map((e) => e.type) });
  }
  appendFailed(stream: string, error: unknown): void {
    this.failures.push({ stream, error });
  }
}

async function instrumentedFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'scoran-instrumented-'));
  const path = join(dir, 'events.sqlite');
  const metrics = new RecordedMetrics();
  const opened: EventStore[] = [];
  const open = (options: { upcast?: Upcaster } = {}): InstrumentedEventStore => {
    const store = new InstrumentedEventStore(new SqliteEventStore({ path, pollIntervalMs: 50, upcast: options.upcast }), metrics);
    opened.push(store);
    return store;
  };
  return {
    path,
    metrics,
    store: open(),
    reopen: async (options?: { upcast?: Upcaster }) => open(options),
    connect: async () => open(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// The decorator stands in for the store it wraps: the same contract, optional capabilities included.
eventStoreContract('SQLite behind InstrumentedEventStore', instrumentedFixture, { gaplessPositions: true, liveTimeoutMs: 3000 });

function event(type: string): NewEvent {
  return { type, data: {}, metadata: { actor: 'secretariat', correlationId: randomUUID(), causationId: null, source: 'instrumented-test' } };
}

describe('InstrumentedEventStore', () => {
  let fixture: Awaited<ReturnType<typeof instrumentedFixture>>;

  beforeEach(async () => {
    fixture = await instrumentedFixture();
  });

  afterEach(async () => {
    await fixture.cleanup();
  });

  it('reports each append it forwards: the events written, or the error the caller gets', async () => {
    const { store, metrics } = fixture;
    const result = await store.appendToStream('sheet-a', [event('SheetCreated'), event('IndicatorReported')], { expectedRevision: 'no_stream' });
    expect(result.events.map((e) => e.position)).toEqual([1, 2]);
    const refused = await store.appendToStream('sheet-a', [event('IndicatorReported')], { expectedRevision: 'no_stream' }).catch((error: unknown) => error);
    await store.appendToStream('sheet-b', [], { expectedRevision: 'no_stream' });

    expect(refused).toBeInstanceOf(WrongExpectedRevisionError);
    expect(metrics.appends).toEqual([
      { stream: 'sheet-a', types: ['SheetCreated', 'IndicatorReported'] },
      { stream: 'sheet-b', types: [] },
    ]);
    expect(metrics.failures).toEqual([{ stream: 'sheet-a', error: refused }]);
  });

  it('has the optional capabilities of the store it wraps, and only those', async () => {
    const sqlite = new SqliteEventStore({ path: fixture.path });
    const wrapped = new InstrumentedEventStore(sqlite, fixture.metrics);
    expect(wrapped.name).toBe('sqlite');
    await wrapped.appendToStream('sheet-a', [event('SheetCreated')]);
    expect(wrapped.knownRevision?.('sheet-a')).toBe(0);
    expect((await wrapped.readAllRaw?.())?.map((e) => e.type)).toEqual(['SheetCreated']);
    expect(typeof wrapped.onAppended).toBe('function');
    expect(typeof wrapped.notifyAppended).toBe('function');

    // The same store seen through the required methods of the port only.
    const bare: EventStore = {
      name: 'bare',
      appendToStream: (stream, events, options) => sqlite.appendToStream(stream, events, options),
      readStream: (stream, options) => sqlite.readStream(stream, options),
      streamRevision: (stream) => sqlite.streamRevision(stream),
      readAll: (options) => sqlite.readAll(options),
      headPosition: () => sqlite.headPosition(),
      subscribeToAll: (handler, options) => sqlite.subscribeToAll(handler, options),
      close: () => sqlite.close(),
    };
    const plain = new InstrumentedEventStore(bare, fixture.metrics);
    expect(plain.name).toBe('bare');
    expect(plain.knownRevision).toBeUndefined();
    expect(plain.readAllRaw).toBeUndefined();
    expect(plain.onAppended).toBeUndefined();
    expect(plain.notifyAppended).toBeUndefined();
    expect(await plain.headPosition()).toBe(1);
    await plain.close();
  });
});
