import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  WrongExpectedRevisionError,
  type EventStore,
  type ExpectedRevision,
  type FoldedEvent,
  type NewEvent,
  type RawStoredEvent,
  type StoredEvent,
  type Upcaster,
} from '#event-store';
import { ACCESS_STREAM, TokenStore } from '#auth';
import { EventLogIdempotencyStore } from '#idempotency';

export interface EventStoreFixture {
  store: EventStore;
  /** Opens the same store again (the caller has closed `store` first), reading through `upcast` when given. */
  reopen?: (options?: { upcast?: Upcaster }) => Promise<EventStore>;
  /** Another connection to the same store while `store` stays open: another node of the service. */
  connect?: () => Promise<EventStore>;
  /** Closes every store the fixture opened and removes what it created. */
  cleanup: () => Promise<void>;
}

export interface EventStoreContractOptions {
  /**
   * The store numbers events 1, 2, 3… with no gaps and each fixture is a store of its own
   * (SQLite). EventStoreDB positions are log offsets shared by every test on the server.
   */
  gaplessPositions?: boolean;
  /** How long a subscription may take to notice an append. */
  liveTimeoutMs?: number;
}

/**
 * The behaviour every EventStore adapter must show. Each test writes to streams of its own
 * and reads the global log from the head it saw first, so the suite also runs against a
 * shared server.
 */
export function eventStoreContract(
  name: string,
  factory: () => Promise<EventStoreFixture>,
  options: EventStoreContractOptions = {},
): void {
  const gapless = options.gaplessPositions === true;
  const liveTimeoutMs = options.liveTimeoutMs ?? 5000;

  describe(`${name} event store contract`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;

    beforeEach(async () => {
      fixture = await factory();
      store = fixture.store;
    });

    afterEach(async () => {
      await fixture.cleanup();
    });

    describe('append and read', () => {
      it('round-trips the whole envelope and assigns id, revision, position and recordedAt', async () => {
        const stream = streamName('sheet');
        const givenId = randomUUID();
        const before = new Date().toISOString();
        const result = await store.appendToStream(
          stream,
          [
            { ...event('SheetAdded', { sheetId: 'open-data-challenge', number: '3.10', tags: ['data', 'é'] }), id: givenId },
            event('IndicatorDefined', { indicatorId: 'datasets-published', unit: null }, { extra: 'kept', nested: { a: 1 } }),
          ],
          { expectedRevision: 'no_stream' },
        );
        const after = new Date().toISOString();

        expect(result.nextExpectedRevision).toBe(1);
        expect(result.events).toHaveLength(2);
        expect(result.position).toBe(result.events[1]!.position);
        expect(result.events[0]!.position).toBeLessThan(result.events[1]!.position);
        expect(result.events[0]!.id).toBe(givenId);
        expect(result.events[1]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

        const read = await store.readStream(stream);
        expect(read).toEqual(result.events);
        const [first, second] = read as [StoredEvent, StoredEvent];
        expect(first).toMatchObject({
          id: givenId,
          type: 'SheetAdded',
          stream,
          revision: 0,
          data: { sheetId: 'open-data-challenge', number: '3.10', tags: ['data', 'é'] },
          metadata: { actor: 'pilot:region', causationId: null, source: 'contract-test', schemaVersion: 1 },
        });
        expect(second).toMatchObject({
          type: 'IndicatorDefined',
          revision: 1,
          data: { indicatorId: 'datasets-published', unit: null },
          metadata: { extra: 'kept', nested: { a: 1 } },
        });
        for (const stored of read) {
          expect(stored.metadata.recordedAt >= before && stored.metadata.recordedAt <= after).toBe(true);
          expect(new Date(stored.metadata.recordedAt).toISOString()).toBe(stored.metadata.recordedAt);
        }
        expect(await store.streamRevision(stream)).toBe(1);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(second.position);
      });

      it('keeps a recordedAt and schemaVersion given by the caller (imports of an exported log)', async () => {
        const stream = streamName('import');
        await store.appendToStream(stream, [
          event('SheetAdded', { n: 1 }, { recordedAt: '2023-06-15T08:30:00.000Z', schemaVersion: 3 }),
        ]);
        const [stored] = await store.readStream(stream);
        expect(stored!.metadata.recordedAt).toBe('2023-06-15T08:30:00.000Z');
        expect(stored!.metadata.schemaVersion).toBe(3);
      });

      it('reports an unknown stream as empty with revision -1', async () => {
        const stream = streamName('missing');
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.streamRevision(stream)).toBe(-1);
      });

      it('never stores the same event id twice', async () => {
        const stream = streamName('idempotent');
        const once = { ...event('SheetAdded', { n: 1 }), id: randomUUID() };
        await store.appendToStream(stream, [once]);
        // Rejecting the repeat and accepting it as already done are both fine: a second copy is not.
        await store.appendToStream(stream, [once], { expectedRevision: 'any' }).catch(() => undefined);
        const read = await store.readStream(stream);
        expect(read.filter((stored) => stored.id === once.id)).toHaveLength(1);
      });
    });

    describe('expected revision', () => {
      it('no_stream: holds only while the stream does not exist', async () => {
        const stream = streamName('no-stream');
        await expect(store.appendToStream(stream, [event('A')], { expectedRevision: 'no_stream' })).resolves.toMatchObject({
          nextExpectedRevision: 0,
        });
        const error = await rejection(store.appendToStream(stream, [event('B')], { expectedRevision: 'no_stream' }));
        expectConflict(error, stream, 'no_stream', 0);
      });

      it('stream_exists: holds only once the stream has an event', async () => {
        const stream = streamName('stream-exists');
        const error = await rejection(store.appendToStream(stream, [event('A')], { expectedRevision: 'stream_exists' }));
        expectConflict(error, stream, 'stream_exists', -1);
        expect(await store.readStream(stream)).toEqual([]);
        await store.appendToStream(stream, [event('A')]);
        await expect(
          store.appendToStream(stream, [event('B')], { expectedRevision: 'stream_exists' }),
        ).resolves.toMatchObject({ nextExpectedRevision: 1 });
      });

      it('any: never checks, and is the default', async () => {
        const stream = streamName('any');
        await store.appendToStream(stream, [event('A')], { expectedRevision: 'any' });
        await store.appendToStream(stream, [event('B')], { expectedRevision: 'any' });
        const result = await store.appendToStream(stream, [event('C')]);
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('a number: holds only when it is the revision of the last event', async () => {
        const stream = streamName('numbered');
        expectConflict(
          await rejection(store.appendToStream(stream, [event('A')], { expectedRevision: 0 })),
          stream,
          0,
          -1,
        );
        await store.appendToStream(stream, [event('A'), event('B')], { expectedRevision: 'no_stream' });
        expectConflict(await rejection(store.appendToStream(stream, [event('C')], { expectedRevision: 0 })), stream, 0, 1);
        expectConflict(await rejection(store.appendToStream(stream, [event('C')], { expectedRevision: 2 })), stream, 2, 1);
        const result = await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(stream)).map((stored) => stored.type)).toEqual(['A', 'B', 'C']);
      });

      it('a rejected append writes nothing, not even part of a multi-event append', async () => {
        const stream = streamName('atomic');
        await store.appendToStream(stream, [event('A')]);
        const head = await store.headPosition();
        await rejection(store.appendToStream(stream, [event('B'), event('C'), event('D')], { expectedRevision: 5 }));
        expect((await store.readStream(stream)).map((stored) => stored.type)).toEqual(['A']);
        expect(await store.streamRevision(stream)).toBe(0);
        if (gapless) expect(await store.headPosition()).toBe(head);
      });
    });

    describe('multi-event appends and global order', () => {
      it('writes the events of one append together, with consecutive revisions, in order', async () => {
        const stream = streamName('batch');
        await store.appendToStream(stream, [event('A')]);
        const result = await store.appendToStream(stream, [event('B'), event('C'), event('D')], { expectedRevision: 0 });
        expect(result.events.map((stored) => stored.revision)).toEqual([1, 2, 3]);
        expectIncreasing(result.events.map((stored) => stored.position));
        if (gapless) {
          const first = result.events[0]!.position;
          expect(result.events.map((stored) => stored.position)).toEqual([first, first + 1, first + 2]);
        }
      });

      it('orders events across streams by commit, positions strictly increasing', async () => {
        const start = await store.headPosition();
        const a = streamName('order-a');
        const b = streamName('order-b');
        const results = [
          await store.appendToStream(a, [event('A1')]),
          await store.appendToStream(b, [event('B1'), event('B2')]),
          await store.appendToStream(a, [event('A2')]),
        ];
        const written = results.flatMap((result) => result.events);
        const all = await readEverything(store, start, [a, b]);
        expect(all).toEqual(written);
        expect(all.map((stored) => stored.type)).toEqual(['A1', 'B1', 'B2', 'A2']);
        expectIncreasing(all.map((stored) => stored.position));
        if (gapless) expect(all.map((stored) => stored.position)).toEqual([start + 1, start + 2, start + 3, start + 4]);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(all[3]!.position);
      });
    });

    describe('readAll', () => {
      it('pages through the log with an exclusive fromPosition and a limit', async () => {
        const start = await store.headPosition();
        const streams = [streamName('page-a'), streamName('page-b'), streamName('page-c')];
        const written: StoredEvent[] = [];
        for (let i = 0; i < 25; i += 1) {
          const result = await store.appendToStream(streams[i % 3]!, [event(`E${i}`, { i })]);
          written.push(...result.events);
        }
        const pages: StoredEvent[][] = [];
        let from = start;
        for (;;) {
          const page = await store.readAll({ fromPosition: from, limit: 7 });
          if (page.length === 0) break;
          expect(page.length).toBeLessThanOrEqual(7);
          expect(page[0]!.position).toBeGreaterThan(from);
          pages.push(page);
          from = page[page.length - 1]!.position;
        }
        const paged = pages.flat().filter((stored) => streams.includes(stored.stream));
        expect(paged).toEqual(written);
        if (gapless) expect(pages.map((page) => page.length)).toEqual([7, 7, 7, 4]);

        const afterFourth = (await store.readAll({ fromPosition: written[3]!.position, limit: 1000 })).filter((stored) =>
          streams.includes(stored.stream),
        );
        expect(afterFourth[0]).toEqual(written[4]);
        expect(afterFourth).toHaveLength(21);
      });

      it('filters by record time (recordedUntil, inclusive, any ISO 8601 form)', async () => {
        const start = await store.headPosition();
        const stream = streamName('record-time');
        await store.appendToStream(stream, [
          event('Jan', {}, { recordedAt: '2023-01-01T00:00:00.000Z' }),
          event('Jun', {}, { recordedAt: '2023-06-01T00:00:00.000Z' }),
          event('Next', {}, { recordedAt: '2024-01-01T00:00:00.000Z' }),
        ]);
        await store.appendToStream(stream, [event('Now')]);
        const types = (events: StoredEvent[]): string[] =>
          events.filter((stored) => stored.stream === stream).map((stored) => stored.type);

        expect(types(await store.readAll({ fromPosition: start, recordedUntil: '2023-06-01T00:00:00.000Z' }))).toEqual([
          'Jan',
          'Jun',
        ]);
        expect(types(await store.readAll({ fromPosition: start, recordedUntil: '2023-06-01T02:00:00+02:00' }))).toEqual([
          'Jan',
          'Jun',
        ]);
        expect(types(await store.readAll({ fromPosition: start, recordedUntil: '2023-05-31T23:59:59.999Z' }))).toEqual([
          'Jan',
        ]);
        expect(types(await store.readAll({ fromPosition: start, recordedUntil: new Date().toISOString() }))).toEqual([
          'Jan',
          'Jun',
          'Next',
          'Now',
        ]);
      });
    });

    describe('readStream', () => {
      it('reads revision ranges (fromRevision, inclusive toRevision) and record-time cuts', async () => {
        const stream = streamName('range');
        await store.appendToStream(
          stream,
          Array.from({ length: 10 }, (_, i) => event(`E${i}`, { i }, { recordedAt: `2023-01-${String(i + 1).padStart(2, '0')}T12:00:00.000Z` })),
        );
        const revisions = (events: StoredEvent[]): number[] => events.map((stored) => stored.revision);
        expect(revisions(await store.readStream(stream, { fromRevision: 3 }))).toEqual([3, 4, 5, 6, 7, 8, 9]);
        expect(revisions(await store.readStream(stream, { toRevision: 4 }))).toEqual([0, 1, 2, 3, 4]);
        expect(revisions(await store.readStream(stream, { fromRevision: 2, toRevision: 5 }))).toEqual([2, 3, 4, 5]);
        expect(await store.readStream(stream, { fromRevision: 10 })).toEqual([]);
        expect(revisions(await store.readStream(stream, { recordedUntil: '2023-01-03T12:00:00.000Z' }))).toEqual([0, 1, 2]);
        expect(
          revisions(await store.readStream(stream, { fromRevision: 1, recordedUntil: '2023-01-03T23:00:00.000Z' })),
        ).toEqual([1, 2]);
      });
    });

    describe('readStreamFolded', () => {
      it('where the store has it, gives what readStream gives of each event: data upcast, revision, position, record time, schema version', async () => {
        if (store.readStreamFolded === undefined || fixture.reopen === undefined) {
          console.warn(`${name}: no readStreamFolded, or no reopen in the fixture: not checked`);
          return;
        }
        const stream = streamName('folded');
        await store.appendToStream(stream, [
          event('IndicatorDefined', { kpi: 'datasets' }, { schemaVersion: 1, recordedAt: '2023-01-01T00:00:00.000Z' }),
          event('IndicatorDefined', { indicatorId: 'services', tags: ['é'], nested: { b: 1, a: [1.5, null] } }, { schemaVersion: 2, recordedAt: '2023-02-01T00:00:00.000Z' }),
          event('MilestoneReached', 'a bare string', { recordedAt: '2023-03-01T00:00:00.000Z' }),
          event('MilestoneReached', { at: 4 }, { recordedAt: '2023-04-01T00:00:00.000Z' }),
        ]);
        await store.close();
        store = await fixture.reopen({
          upcast: (type, schemaVersion, data) =>
            type === 'IndicatorDefined' && schemaVersion === 1 ? { indicatorId: (data as { kpi: string }).kpi } : data,
        });
        const folded = ({ type, revision, position, data, metadata }: FoldedEvent) => ({ type, revision, position, data, metadata: { recordedAt: metadata.recordedAt, schemaVersion: metadata.schemaVersion } });
        for (const options of [{}, { fromRevision: 1, toRevision: 2 }, { recordedUntil: '2023-02-15T00:00:00Z' }, { fromRevision: 3 }, { fromRevision: 9 }]) {
          expect(await store.readStreamFolded!(stream, options)).toEqual((await store.readStream(stream, options)).map(folded));
        }
        expect((await store.readStreamFolded!(stream)).map((e) => e.data)).toEqual([{ indicatorId: 'datasets' }, { indicatorId: 'services', tags: ['é'], nested: { b: 1, a: [1.5, null] } }, 'a bare string', { at: 4 }]);
        expect(await store.readStreamFolded!(streamName('folded-none'))).toEqual([]);
      });
    });

    describe('durability', () => {
      it('keeps everything across close and reopen', async () => {
        if (fixture.reopen === undefined) {
          console.warn(`${name}: no reopen in the fixture, durability across reopen not checked`);
          return;
        }
        const streams = [streamName('durable-a'), streamName('durable-b')];
        const start = await store.headPosition();
        const written: StoredEvent[] = [];
        for (let i = 0; i < 20; i += 1) {
          written.push(...(await store.appendToStream(streams[i % 2]!, [event('E', { i }), event('F', { i })])).events);
        }
        await store.close();
        store = await fixture.reopen();
        expect(await readEverything(store, start, streams)).toEqual(written);
        expect(await store.readStream(streams[0]!)).toEqual(written.filter((stored) => stored.stream === streams[0]));
        expect(await store.streamRevision(streams[1]!)).toBe(19);
        const next = await store.appendToStream(streams[1]!, [event('G')], { expectedRevision: 19 });
        expect(next.position).toBeGreaterThan(written[written.length - 1]!.position);
        expect(next.nextExpectedRevision).toBe(20);
      });
    });

    describe('concurrency', () => {
      it('stores 500 concurrent appends on 50 streams once each, with gapless revisions', async () => {
        const start = await store.headPosition();
        const streams = Array.from({ length: 50 }, (_, i) => streamName(`concurrent-${i}`));
        const results = await Promise.all(
          Array.from({ length: 500 }, (_, i) => store.appendToStream(streams[i % 50]!, [event('Tick', { i })])),
        );
        const all = await readEverything(store, start, streams);
        expect(all).toHaveLength(500);
        expect(new Set(all.map((stored) => stored.id)).size).toBe(500);
        expect(new Set(all.map((stored) => (stored.data as { i: number }).i)).size).toBe(500);
        expectIncreasing(all.map((stored) => stored.position));
        if (gapless) expect(all.map((stored) => stored.position)).toEqual(Array.from({ length: 500 }, (_, i) => start + i + 1));
        for (const stream of streams) {
          const revisions = (await store.readStream(stream)).map((stored) => stored.revision);
          expect(revisions).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        }
        const byPosition = new Map(all.map((stored) => [stored.position, stored]));
        for (const result of results) expect(byPosition.get(result.position)).toEqual(result.events[0]);
      });

      it('lets exactly one of many concurrent appends with the same expected revision win', async () => {
        const stream = streamName('contended');
        await store.appendToStream(stream, [event('Start')]);
        const outcomes = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.appendToStream(stream, [event('Try', { i })], { expectedRevision: 0 })),
        );
        const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
        const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(19);
        for (const outcome of lost) expectConflict(outcome.reason, stream, 0, 1);
        expect((await store.readStream(stream)).map((stored) => stored.revision)).toEqual([0, 1]);
      });

      it('lets exactly one of many concurrent creations (no_stream) win', async () => {
        const stream = streamName('created-once');
        const outcomes = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.appendToStream(stream, [event('Created', { i }), event('Named', { i })], { expectedRevision: 'no_stream' }),
          ),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        const stored = await store.readStream(stream);
        expect(stored.map((e) => e.type)).toEqual(['Created', 'Named']);
        expect((stored[0]!.data as { i: number }).i).toBe((stored[1]!.data as { i: number }).i);
      });
    });

    describe('readAllRaw', () => {
      it('gives every envelope field and the JSON text written, paged and cut like readAll', async () => {
        expect(typeof store.readAllRaw).toBe('function');
        const start = await store.headPosition();
        const stream = streamName('raw');
        const given = [
          event('SheetAdded', { sheetId: 'open-data-challenge', tags: ['données', 'é'], nested: { b: 1, a: [1.5, null, -2e-7] } }, { extra: 'kept' }),
          event('IndicatorDefined', { indicatorId: 'datasets-published', unit: null }, { recordedAt: '2023-01-01T00:00:00.000Z' }),
          event('MilestoneReached', 'a bare string'),
        ];
        const written = (await store.appendToStream(stream, given)).events;
        const raw = await readEverythingRaw(store, start, [stream]);

        const envelope = ({ position, id, stream: s, revision, type }: StoredEvent | RawStoredEvent) => ({ position, id, stream: s, revision, type });
        expect(raw.map(envelope)).toEqual(written.map(envelope));
        expect(raw.map((r) => r.data)).toEqual(given.map((e) => JSON.stringify(e.data)));
        expect(raw.map((r) => JSON.parse(r.metadata) as unknown)).toEqual(written.map((e) => e.metadata));

        const next = await store.readAllRaw!({ fromPosition: written[0]!.position, limit: 1 });
        expect(next.map((r) => r.id)).toEqual([written[1]!.id]);
        const cut = (await store.readAllRaw!({ fromPosition: start, recordedUntil: '2023-06-01T00:00:00.000Z' })).filter((r) => r.stream === stream);
        expect(cut.map((r) => r.type)).toEqual(['IndicatorDefined']);
      });

      it('is not upcast: old schema versions read as they were written', async () => {
        if (fixture.reopen === undefined) {
          console.warn(`${name}: no reopen in the fixture, readAllRaw under an upcaster not checked`);
          return;
        }
        const start = await store.headPosition();
        const stream = streamName('raw-old');
        await store.appendToStream(stream, [
          event('IndicatorDefined', { kpi: 'datasets' }, { schemaVersion: 1 }),
          event('IndicatorDefined', { indicatorId: 'services' }, { schemaVersion: 2 }),
        ]);
        await store.close();
        store = await fixture.reopen({
          upcast: (type, schemaVersion, data) =>
            type === 'IndicatorDefined' && schemaVersion === 1 ? { indicatorId: (data as { kpi: string }).kpi } : data,
        });
        expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ indicatorId: 'datasets' }, { indicatorId: 'services' }]);
        const raw = await readEverythingRaw(store, start, [stream]);
        expect(raw.map((r) => r.data)).toEqual(['{"kpi":"datasets"}', '{"indicatorId":"services"}']);
        expect(JSON.parse(raw[0]!.metadata)).toMatchObject({ schemaVersion: 1, actor: 'pilot:region' });
      });
    });

    describe('onAppended', () => {
      it('tells its listeners of each commit through this store, once the events can be read', async () => {
        expect(typeof store.onAppended).toBe('function');
        const start = await store.headPosition();
        const stream = streamName('notified');
        // What a listener would read at the moment it is called.
        const reads: Array<Promise<StoredEvent[]>> = [];
        const stop = store.onAppended!(() => {
          reads.push(readEverything(store, start, [stream]));
        });
        try {
          const first = await store.appendToStream(stream, [event('A'), event('B')]);
          expect(reads).toHaveLength(1);
          expect(await reads[0]).toEqual(first.events);

          // A refused append and an empty one write nothing and tell nobody.
          await rejection(store.appendToStream(stream, [event('C')], { expectedRevision: 0 }));
          await store.appendToStream(stream, [], { expectedRevision: 1 });
          expect(reads).toHaveLength(1);

          // Appends issued together: told at least once, at most once per append (a group commit tells once).
          await Promise.all(Array.from({ length: 5 }, (_, i) => store.appendToStream(stream, [event('Together', { i })])));
          expect(reads.length - 1).toBeGreaterThanOrEqual(1);
          expect(reads.length - 1).toBeLessThanOrEqual(5);
          const last = await reads[reads.length - 1]!;
          expect(last.filter((stored) => stored.type === 'Together')).toHaveLength(5);
        } finally {
          stop();
        }
        const told = reads.length;
        await store.appendToStream(stream, [event('AfterStop')]);
        expect(reads).toHaveLength(told);
      });

      it('tells its listeners when notifyAppended says events were written through another connection', async () => {
        expect(typeof store.notifyAppended).toBe('function');
        let calls = 0;
        const stop = store.onAppended!(() => {
          calls += 1;
        });
        store.notifyAppended!();
        expect(calls).toBe(1);
        stop();
        store.notifyAppended!();
        expect(calls).toBe(1);
      });
    });

    describe('many nodes on one store: tokens and idempotent retries', () => {
      it('a token issued through one connection works through another, and so is its revocation', async () => {
        const other = await fixture.connect!();
        const here = new TokenStore(store);
        const there = new TokenStore(other);
        await Promise.all([here.start(), there.start()]);
        try {
          const issued = await here.create({ role: 'auditor', label: 'contract' }, 'contract');
          await there.catchUp();
          expect(there.authenticate(issued.token)).toEqual({ tokenId: issued.id, role: 'auditor', organisationId: null });
          expect(await there.revoke(issued.id, 'contract')).toBe(true);
          await here.catchUp();
          expect(here.authenticate(issued.token)).toEqual({ refused: 'revoked' });
          const stored = (await store.readStream(ACCESS_STREAM)).filter((e) => (e.data as { tokenId: string }).tokenId === issued.id);
          expect(stored.map((e) => e.type)).toEqual(['TokenIssued', 'TokenRevoked']);
          expect(JSON.stringify(stored)).not.toContain(issued.token.slice(4));
        } finally {
          here.stop();
          there.stop();
        }
      });

      it('tokens issued through two connections at once are each stored once (the expected revision arbitrates)', async () => {
        const other = await fixture.connect!();
        const here = new TokenStore(store);
        const there = new TokenStore(other);
        await Promise.all([here.start(), there.start()]);
        try {
          const issued = await Promise.all([
            ...Array.from({ length: 4 }, () => here.create({ role: 'auditor' }, 'contract')),
            ...Array.from({ length: 4 }, () => there.create({ role: 'auditor' }, 'contract')),
          ]);
          const ids = new Set(issued.map((t) => t.id));
          const stored = (await store.readStream(ACCESS_STREAM)).filter((e) => ids.has((e.data as { tokenId: string }).tokenId));
          expect(stored).toHaveLength(8);
          expect(new Set(stored.map((e) => (e.data as { tokenId: string }).tokenId))).toEqual(ids);
        } finally {
          here.stop();
          there.stop();
        }
      });

      it('a retried write is found through another connection: its events, after the head seen before it, carry its command id', async () => {
        const other = await fixture.connect!();
        const stream = streamName('retried');
        const commandId = `idem-${randomUUID()}`;
        const headBefore = await other.headPosition();
        await store.appendToStream(stream, [event('Unrelated'), event('Retried', {}, { causationId: commandId }), event('Retried', { n: 2 }, { causationId: commandId })]);
        const found: StoredEvent[] = [];
        for (let from = headBefore; ;) {
          const page = await other.readAll({ fromPosition: from, limit: 50 });
          if (page.length === 0) break;
          found.push(...page.filter((e) => e.metadata.causationId === commandId));
          from = page[page.length - 1]!.position;
        }
        expect(found.map((e) => [e.stream, e.revision])).toEqual([[stream, 1], [stream, 2]]);
      });

      it('of two connections claiming one Idempotency-Key at once, one gets it, and the other replays its answer', async () => {
        const other = await fixture.connect!();
        const here = new EventLogIdempotencyStore(store);
        const there = new EventLogIdempotencyStore(other);
        const scope = `token:${randomUUID()}`;
        const pending = { fingerprint: 'f', commandId: `idem-${randomUUID()}`, headBefore: await store.headPosition() };
        try {
          const won = await Promise.all([here.tryClaim(scope, 'k', pending), there.tryClaim(scope, 'k', pending)]);
          expect(won.filter(Boolean)).toHaveLength(1);
          const answer = { fingerprint: 'f', statusCode: 201, contentType: 'application/json; charset=utf-8', body: '{"eventIds":[]}' };
          await (won[0] ? here : there).put(scope, 'k', answer);
          expect(await (won[0] ? there : here).get(scope, 'k')).toEqual(answer);
        } finally {
          here.close();
          there.close();
        }
      });

      it('an event id already stored through one connection is not stored again through another', async () => {
        const other = await fixture.connect!();
        const stream = streamName('retried-id');
        const once = { ...event('Retried'), id: randomUUID() };
        await store.appendToStream(stream, [once], { expectedRevision: 'no_stream' });
        await other.appendToStream(stream, [once], { expectedRevision: 'any' }).catch(() => undefined);
        expect((await other.readStream(stream)).filter((e) => e.id === once.id)).toHaveLength(1);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers live events, in order and one batch at a time', async () => {
        const start = await store.headPosition();
        const stream = streamName('subscribed');
        const before = await store.appendToStream(stream, Array.from({ length: 10 }, (_, i) => event('Before', { i })));
        const delivered: StoredEvent[] = [];
        const batchSizes: number[] = [];
        let running = 0;
        let overlapped = false;
        const subscription = store.subscribeToAll(
          async (events) => {
            running += 1;
            if (running > 1) overlapped = true;
            batchSizes.push(events.length);
            await delay(2);
            delivered.push(...events);
            running -= 1;
          },
          { fromPosition: start, batchSize: 3 },
        );
        try {
          await subscription.waitFor(before.position, liveTimeoutMs);
          const live: StoredEvent[] = [];
          for (let i = 0; i < 5; i += 1) live.push(...(await store.appendToStream(stream, [event('Live', { i })])).events);
          const concurrent = await Promise.all(
            Array.from({ length: 10 }, (_, i) => store.appendToStream(stream, [event('Burst', { i })])),
          );
          const last = Math.max(...concurrent.map((result) => result.position));
          await subscription.waitFor(last, liveTimeoutMs);

          const ours = delivered.filter((stored) => stored.stream === stream);
          expect(ours.map((stored) => stored.revision)).toEqual(Array.from({ length: 25 }, (_, i) => i));
          expect(ours.slice(0, 15)).toEqual([...before.events, ...live]);
          expectIncreasing(delivered.map((stored) => stored.position));
          expect(delivered[0]!.position).toBeGreaterThan(start);
          expect(Math.max(...batchSizes)).toBeLessThanOrEqual(3);
          expect(overlapped).toBe(false);
        } finally {
          await subscription.stop();
        }
      });

      it('resumes after a given position and delivers nothing once stopped', async () => {
        const stream = streamName('resumed');
        const written = (await store.appendToStream(stream, Array.from({ length: 8 }, (_, i) => event('E', { i })))).events;
        const delivered: StoredEvent[] = [];
        const subscription = store.subscribeToAll(
          (events) => {
            delivered.push(...events.filter((stored) => stored.stream === stream));
          },
          { fromPosition: written[4]!.position },
        );
        await subscription.waitFor(written[7]!.position, liveTimeoutMs);
        expect(delivered).toEqual(written.slice(5));

        await subscription.stop();
        const later = await store.appendToStream(stream, [event('AfterStop')]);
        await delay(300);
        expect(delivered).toHaveLength(3);
        await expect(subscription.waitFor(later.position, 100)).rejects.toThrow();
      });

      it('stops on a handler error, reports it, and can be resumed from the last delivered position', async () => {
        const stream = streamName('failing');
        const start = await store.headPosition();
        const written = (await store.appendToStream(stream, Array.from({ length: 4 }, (_, i) => event('E', { i })))).events;
        const errors: unknown[] = [];
        let delivered: StoredEvent[] = [];
        const failing = store.subscribeToAll(
          (events) => {
            for (const stored of events) {
              if (stored.stream !== stream) continue;
              if (stored.revision === 2) throw new Error('projection bug');
              delivered.push(stored);
            }
          },
          { fromPosition: start, batchSize: 1, onError: (error) => errors.push(error) },
        );
        await expect(failing.waitFor(written[3]!.position, liveTimeoutMs)).rejects.toThrow('projection bug');
        expect(errors).toHaveLength(1);
        expect(delivered.map((stored) => stored.revision)).toEqual([0, 1]);
        await failing.stop();

        delivered = [];
        const resumed = store.subscribeToAll(
          (events) => {
            delivered.push(...events.filter((stored) => stored.stream === stream));
          },
          { fromPosition: written[1]!.position },
        );
        try {
          await resumed.waitFor(written[3]!.position, liveTimeoutMs);
          expect(delivered).toEqual(written.slice(2));
        } finally {
          await resumed.stop();
        }
      });
    });
  });
}

function streamName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

function event(type: string, data: unknown = {}, metadata: Record<string, unknown> = {}): NewEvent {
  return {
    type,
    data,
    metadata: {
      actor: 'pilot:region',
      correlationId: randomUUID(),
      causationId: null,
      source: 'contract-test',
      ...metadata,
    },
  };
}

/** Every event after `from` that belongs to one of `streams`, read page by page. */
async function readEverything(store: EventStore, from: number, streams: string[]): Promise<StoredEvent[]> {
  const wanted = new Set(streams);
  const found: StoredEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAll({ fromPosition: position, limit: 200 });
    if (page.length === 0) return found;
    found.push(...page.filter((stored) => wanted.has(stored.stream)));
    position = page[page.length - 1]!.position;
  }
}

/** Like readEverything, through readAllRaw. */
async function readEverythingRaw(store: EventStore, from: number, streams: string[]): Promise<RawStoredEvent[]> {
  const wanted = new Set(streams);
  const found: RawStoredEvent[] = [];
  let position = from;
  for (;;) {
    const page = await store.readAllRaw!({ fromPosition: position, limit: 2 });
    if (page.length === 0) return found;
    found.push(...page.filter((stored) => wanted.has(stored.stream)));
    position = page[page.length - 1]!.position;
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the append to be rejected');
}

function expectConflict(error: unknown, stream: string, expected: ExpectedRevision, actual: number): void {
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  const conflict = error as WrongExpectedRevisionError;
  expect(conflict.code).toBe('wrong_expected_revision');
  expect(conflict.stream).toBe(stream);
  expect(conflict.expected).toBe(expected);
  expect(conflict.actual).toBe(actual);
}

function expectIncreasing(positions: number[]): void {
  for (let i = 1; i < positions.length; i += 1) expect(positions[i]!).toBeGreaterThan(positions[i - 1]!);
}
