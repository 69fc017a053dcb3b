import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { fdatasyncSync, fstatSync, fsync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  DuplicateEventIdError,
  SqliteEventStore,
  WrongExpectedRevisionError,
  type NewEvent,
  type StoredEvent,
  type Upcaster,
} from '#event-store';
import { eventStoreContract } from '../support/event-store-contract.js';

async function sqliteFixture() {
  const dir = await mkdtemp(join(tmpdir(), 'scoran-events-'));
  const path = join(dir, 'events.sqlite');
  const opened: SqliteEventStore[] = [];
  const open = (options: { upcast?: Upcaster } = {}): SqliteEventStore => {
    const store = new SqliteEventStore({ path, pollIntervalMs: 50, upcast: options.upcast });
    opened.push(store);
    return store;
  };
  return {
    dir,
    path,
    open,
    store: open(),
    reopen: async (options?: { upcast?: Upcaster }) => open(options),
    connect: async () => open(),
    cleanup: async () => {
      for (const store of opened) await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

eventStoreContract('SQLite (file)', sqliteFixture, { gaplessPositions: true, liveTimeoutMs: 3000 });

function event(type: string, data: unknown = {}, id?: string): NewEvent {
  return {
    ...(id === undefined ? {} : { id }),
    type,
    data,
    metadata: { actor: 'secretariat', correlationId: randomUUID(), causationId: null, source: 'sqlite-test' },
  };
}

describe('SqliteEventStore', () => {
  let fixture: Awaited<ReturnType<typeof sqliteFixture>>;
  let store: SqliteEventStore;

  beforeEach(async () => {
    fixture = await sqliteFixture();
    store = fixture.store;
  });

  afterEach(async () => {
    await fixture.cleanup();
  });

  it('runs in WAL mode and fsyncs the WAL itself before acknowledging (synchronous = NORMAL inside SQLite)', () => {
    expect(store.durabilitySettings()).toEqual({ journalMode: 'wal', synchronous: 'normal', walFsyncBeforeAck: true });
  });

  describe('acknowledging only what is on disk', () => {
    /** An fsync held until released: a slow disk, under the test's control. */
    function slowDisk() {
      const held: Array<{ fd: number; callback: (error: NodeJS.ErrnoException | null) => void }> = [];
      return {
        held,
        fsync: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => { held.push({ fd, callback }); },
        release: (error: NodeJS.ErrnoException | null = null) => { for (const h of held.splice(0)) h.callback(error); },
      };
    }

    it('resolves an append, and wakes subscribers, only once the fsync of the WAL has returned', async () => {
      const disk = slowDisk();
      const slow = new SqliteEventStore({ path: join(fixture.dir, 'slow.sqlite'), fsync: disk.fsync, pollIntervalMs: 60_000 });
      const delivered: StoredEvent[] = [];
      const subscription = slow.subscribeToAll((events) => { delivered.push(...events); });
      try {
        let acknowledged = false;
        const append = slow.appendToStream('sheet-a', [event('A')]).then((r) => { acknowledged = true; return r; });
        await delay(30);
        expect(disk.held).toHaveLength(1); // committed, fsync asked for
        expect(acknowledged).toBe(false);
        expect(delivered).toHaveLength(0);
        // Commits made while that fsync runs wait for the next one, which covers them all.
        const second = slow.appendToStream('sheet-b', [event('B')]);
        const third = slow.appendToStream('sheet-c', [event('C')]);
        await delay(30);
        disk.release();
        const first = await append;
        expect(acknowledged).toBe(true);
        await delay(30);
        expect(disk.held).toHaveLength(1); // one fsync for the two commits made meanwhile
        // B and C are committed but not yet on disk: the subscription has delivered A only.
        expect(delivered.map((e) => e.type)).toEqual(['A']);
        disk.release();
        const [b, c] = await Promise.all([second, third]);
        await subscription.waitFor(c.position, 2000);
        expect(delivered.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        expect([first.position, b.position, c.position]).toEqual([1, 2, 3]);
      } finally {
        disk.release();
        await subscription.stop();
        await slow.close();
      }
    });

    it('refuses to acknowledge when the fsync fails, and says so', async () => {
      const disk = slowDisk();
      const failing = new SqliteEventStore({ path: join(fixture.dir, 'failing.sqlite'), fsync: disk.fsync });
      try {
        const append = failing.appendToStream('sheet-a', [event('A')]);
        await delay(20);
        disk.release(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
        await expect(append).rejects.toThrow(/disk did not confirm them.*EIO/);
      } finally {
        disk.release();
        await failing.close();
      }
    });

    it('acknowledges an empty append without waiting for the disk', async () => {
      const disk = slowDisk();
      const s = new SqliteEventStore({ path: join(fixture.dir, 'empty.sqlite'), fsync: disk.fsync });
      try {
        await expect(s.appendToStream('sheet-a', [], { expectedRevision: 'no_stream' })).resolves.toMatchObject({ nextExpectedRevision: -1 });
        expect(disk.held).toHaveLength(0);
      } finally {
        await s.close();
      }
    });

    it('fsyncs the live WAL file of the store', async () => {
      const seen: number[] = [];
      const s = new SqliteEventStore({ path: join(fixture.dir, 'real.sqlite'), fsync: (fd, cb) => { seen.push(fd); fsync(fd, cb); } });
      try {
        await s.appendToStream('sheet-a', [event('A')]);
        expect(seen).toHaveLength(1);
        expect(fstatSync(seen[0]!).ino).toBe(statSync(join(fixture.dir, 'real.sqlite-wal')).ino);
      } finally {
        await s.close();
      }
    });

    describe('a lone commit, synced on the calling thread', () => {
      it('syncs the live WAL before the append settles, while the writer is alone; commits go to the pool once others come', async () => {
        const disk = slowDisk();
        const inline: number[] = [];
        const s = new SqliteEventStore({
          path: join(fixture.dir, 'inline.sqlite'),
          fsync: disk.fsync,
          // Recorded, not synced: a real sync slower than 2 ms would send the next lone commits to the pool (see the next test).
          fsyncInline: (fd) => { inline.push(fd); },
        });
        const settledFlag = <T>(p: Promise<T>) => {
          const flag = { settled: false, promise: p.then((r) => { flag.settled = true; return r; }) };
          return flag;
        };
        const pair = (a: string, b: string) => settledFlag(Promise.all([s.appendToStream(a, [event(a)]), s.appendToStream(b, [event(b)])]));
        try {
          // Alone: synced inline, nothing asked of the pool.
          await s.appendToStream('sheet-a', [event('A')]);
          expect(inline).toHaveLength(1);
          expect(disk.held).toHaveLength(0);
          expect(fstatSync(inline[0]!).ino).toBe(statSync(join(fixture.dir, 'inline.sqlite-wal')).ino);

          // Two appends in one commit: the pool's fsync, which the test holds.
          const bc = pair('sheet-b', 'sheet-c');
          await delay(30);
          expect(disk.held).toHaveLength(1);
          expect(bc.settled).toBe(false);
          // A lone append while that fsync runs waits for the next one on the pool: not inline, not acknowledged.
          const d = settledFlag(s.appendToStream('sheet-d', [event('D')]));
          await delay(30);
          expect(inline).toHaveLength(1);
          expect(d.settled).toBe(false);
          disk.release();
          await bc.promise;
          await delay(30);
          expect(d.settled).toBe(false);
          expect(disk.held).toHaveLength(1);
          disk.release();
          expect((await d.promise).position).toBe(4);

          // D's fsync covered D alone, with no commit made while it ran: the next lone commit is inline again.
          await s.appendToStream('sheet-e', [event('E')]);
          expect(inline).toHaveLength(2);

          // After a pool fsync of a commit of two appends, a lone commit still goes to the pool…
          const fg = pair('sheet-f', 'sheet-g');
          await delay(30);
          disk.release();
          await fg.promise;
          const h = settledFlag(s.appendToStream('sheet-h', [event('H')]));
          await delay(30);
          expect(disk.held).toHaveLength(1);
          expect(h.settled).toBe(false);
          disk.release();
          await h.promise;
          // …and the one after it, found alone, is inline.
          await s.appendToStream('sheet-i', [event('I')]);
          expect(inline).toHaveLength(3);
          expect(s.stats).toMatchObject({ walSyncs: 7, walSyncsInline: 3, appends: 9 });
        } finally {
          disk.release();
          await s.close();
        }
      });

      it('refuses to acknowledge when the inline sync fails, and the next append is written after it', async () => {
        let fail = true;
        const s = new SqliteEventStore({
          path: join(fixture.dir, 'inline-failing.sqlite'),
          fsyncInline: (fd) => {
            if (fail) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
            fdatasyncSync(fd);
          },
        });
        try {
          await expect(s.appendToStream('sheet-a', [event('A')])).rejects.toThrow(/disk did not confirm them.*EIO/);
          fail = false;
          const next = await s.appendToStream('sheet-a', [event('B')]);
          expect(next.position).toBe(2);
        } finally {
          await s.close();
        }
      });

      it('sends lone commits to the pool after a slow inline sync, for 50 times as long as it took and a second at most (a slow disk would hold the thread up)', async () => {
        const pooled: number[] = [];
        // A disk under the test's control: each inline sync takes the next of these (ms), or returns at
        // once (no real fdatasync, whose own time would blur the rule's threshold). The waits leave wide
        // margins: a sync's measured time includes whatever else the machine did meanwhile.
        const takes: number[] = [];
        const s = new SqliteEventStore({
          path: join(fixture.dir, 'slow-inline.sqlite'),
          fsync: (fd, cb) => { pooled.push(fd); fsync(fd, cb); },
          fsyncInline: () => {
            const until = performance.now() + (takes.shift() ?? 0);
            while (performance.now() < until);
          },
        });
        const append = (type: string) => s.appendToStream('sheet-a', [event(type)]);
        try {
          // Quick syncs: each next lone commit is synced inline too.
          await append('A');
          await append('B');
          expect(s.stats).toMatchObject({ walSyncs: 2, walSyncsInline: 2 });
          // 5 ms: the pool for the next ~255 ms (a fixed second would still hold them there at 700 ms).
          takes.push(5);
          await append('C');
          const slowAt = performance.now();
          await append('D');
          await append('E');
          expect(performance.now() - slowAt).toBeLessThan(200);
          expect(s.stats).toMatchObject({ walSyncs: 5, walSyncsInline: 3 });
          expect(pooled).toHaveLength(2);
          await delay(700);
          // 60 ms: a second at most, not three; still on the pool 400 ms later, inline again after 1.4 s.
          takes.push(60);
          await append('F');
          expect(s.stats).toMatchObject({ walSyncs: 6, walSyncsInline: 4 });
          await delay(400);
          await append('G');
          expect(s.stats).toMatchObject({ walSyncs: 7, walSyncsInline: 4 });
          await delay(1000);
          await append('H');
          expect(s.stats).toMatchObject({ walSyncs: 8, walSyncsInline: 5 });
          expect(pooled).toHaveLength(3);
        } finally {
          await s.close();
        }
      });

      it('ends that back-off early once sixteen syncs in a row on the pool were quick (under 1 ms); a slow one on the pool starts the count again', async () => {
        // The syncs are timed on a clock of the test's own, which only they move: the inline sync moves
        // it by the next of `inlineTakes` (ms), a sync on the pool by `poolTakes`; both return at once.
        // No real fdatasync, no preemption of a busy machine, blurs the thresholds.
        let clock = 0;
        const inlineTakes: number[] = [];
        let poolTakes = 0;
        let pooled = 0;
        const s = new SqliteEventStore({
          path: join(fixture.dir, 'recovering.sqlite'),
          syncClock: () => clock,
          fsync: (_fd, cb) => { pooled++; clock += poolTakes; cb(null); },
          fsyncInline: () => { clock += inlineTakes.shift() ?? 0; },
        });
        let n = 0;
        const append = () => s.appendToStream('sheet-a', [event(`E${n++}`)]);
        try {
          await append();
          expect(s.stats).toMatchObject({ walSyncs: 1, walSyncsInline: 1 });
          // 30 ms inline: the pool until 30 + 1 000 ms by the time-based rule.
          inlineTakes.push(30);
          await append();
          // Slow syncs on the pool (5 ms): the disk is still slow, the commits stay there.
          poolTakes = 5;
          for (let i = 0; i < 20; i++) await append();
          expect(s.stats).toMatchObject({ walSyncs: 22, walSyncsInline: 2 });
          // Fifteen quick ones (0.5 ms), then a slow one: the run starts again.
          poolTakes = 0.5;
          for (let i = 0; i < 15; i++) await append();
          poolTakes = 5;
          await append();
          poolTakes = 0.5;
          for (let i = 0; i < 15; i++) await append();
          expect(s.stats).toMatchObject({ walSyncs: 53, walSyncsInline: 2 });
          expect(pooled).toBe(51);
          // The sixteenth quick one in a row ends the back-off: the next lone commit is synced inline,
          // long before the second of the time-based rule is over.
          await append();
          await append();
          expect(s.stats).toMatchObject({ walSyncs: 55, walSyncsInline: 3 });
          expect(pooled).toBe(52);
          expect(clock).toBeLessThan(30 + 1000);
        } finally {
          await s.close();
        }
      });

      it('syncs a lone append inline by default; on the pool when the caller gives its own fsync, or fsyncInline: null', async () => {
        const pooled: number[] = [];
        const byDefault = new SqliteEventStore({ path: join(fixture.dir, 'default.sqlite') });
        const ownFsync = new SqliteEventStore({ path: join(fixture.dir, 'custom.sqlite'), fsync: (fd, cb) => { pooled.push(fd); fsync(fd, cb); } });
        const noInline = new SqliteEventStore({ path: join(fixture.dir, 'pooled.sqlite'), fsyncInline: null });
        try {
          for (const s of [byDefault, ownFsync, noInline]) await s.appendToStream('sheet-a', [event('A')]);
          expect(byDefault.stats).toMatchObject({ walSyncs: 1, walSyncsInline: 1 });
          expect(ownFsync.stats).toMatchObject({ walSyncs: 1, walSyncsInline: 0 });
          expect(pooled).toHaveLength(1);
          expect(noInline.stats).toMatchObject({ walSyncs: 1, walSyncsInline: 0 });
        } finally {
          for (const s of [byDefault, ownFsync, noInline]) await s.close();
        }
      });
    });
  });

  describe('group commit', () => {
    it('writes appends issued together in one transaction', async () => {
      const before = store.stats.commits;
      await Promise.all(Array.from({ length: 200 }, (_, i) => store.appendToStream(`sheet-${i % 20}`, [event('Tick', { i })])));
      expect(store.stats.commits - before).toBe(1);
      expect(store.stats.appends).toBe(200);
      expect(await store.headPosition()).toBe(200);

      // Appends issued one after the other each get their own commit.
      for (let i = 0; i < 3; i += 1) await store.appendToStream('sheet-0', [event('Tick')]);
      expect(store.stats.commits - before).toBe(4);
    });

    it('checks each append of a batch on its own: a conflict rejects only that append', async () => {
      const before = store.stats.commits;
      const outcomes = await Promise.allSettled([
        store.appendToStream('sheet-a', [event('A1')], { expectedRevision: 'no_stream' }),
        store.appendToStream('sheet-a', [event('A2'), event('A3')], { expectedRevision: 'no_stream' }),
        store.appendToStream('sheet-b', [event('B1')], { expectedRevision: 'no_stream' }),
        store.appendToStream('sheet-b', [event('B2')], { expectedRevision: 0 }),
        store.appendToStream('sheet-a', [event('A4')], { expectedRevision: 0 }),
      ]);
      expect(store.stats.commits - before).toBe(1);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      const conflict = (outcomes[1] as PromiseRejectedResult).reason as WrongExpectedRevisionError;
      expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
      expect(conflict.actual).toBe(0);
      expect((await store.readStream('sheet-a')).map((e) => e.type)).toEqual(['A1', 'A4']);
      expect((await store.readStream('sheet-b')).map((e) => e.type)).toEqual(['B1', 'B2']);
      // The rolled-back append consumed no position.
      expect((await store.readAll()).map((e) => e.position)).toEqual([1, 2, 3, 4]);
    });
  });

  describe('event ids', () => {
    it('rejects a whole append that repeats a stored id', async () => {
      const id = randomUUID();
      await store.appendToStream('sheet-a', [event('A', {}, id)]);
      const error = await store.appendToStream('sheet-a', [event('New'), event('Again', {}, id)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DuplicateEventIdError);
      expect((error as DuplicateEventIdError).eventId).toBe(id);
      expect((await store.readAll()).map((e) => e.type)).toEqual(['A']);
    });

    it('rejects an append that carries the same id twice, and the second of two appends racing with one id', async () => {
      const id = randomUUID();
      await expect(store.appendToStream('sheet-a', [event('A', {}, id), event('B', {}, id)])).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      const other = randomUUID();
      const outcomes = await Promise.allSettled([
        store.appendToStream('sheet-a', [event('First', {}, other)]),
        store.appendToStream('sheet-b', [event('Second', {}, other)]),
      ]);
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
      expect((await store.readAll()).map((e) => e.type)).toEqual(['First']);
    });
  });

  describe('other connections on the same file', () => {
    it('a subscription sees events written by another connection, through polling', async () => {
      const other = new SqliteEventStore({ path: fixture.path, pollIntervalMs: 50 });
      const delivered: StoredEvent[] = [];
      const subscription = store.subscribeToAll((events) => {
        delivered.push(...events);
      });
      try {
        await store.appendToStream('sheet-local', [event('Local')]);
        const remote = await other.appendToStream('sheet-remote', [event('Remote1'), event('Remote2')]);
        await subscription.waitFor(remote.position, 2000);
        expect(delivered.map((e) => e.type)).toEqual(['Local', 'Remote1', 'Remote2']);
      } finally {
        await subscription.stop();
        await other.close();
      }
    });

    it('a subscription reads at once when told of another connection\'s write (notifyAppended), not at its next poll', async () => {
      const idle = new SqliteEventStore({ path: fixture.path, pollIntervalMs: 60_000 });
      const delivered: StoredEvent[] = [];
      const subscription = idle.subscribeToAll((events) => {
        delivered.push(...events);
      });
      try {
        await delay(50); // caught up on the empty log, asleep until woken
        const remote = await store.appendToStream('sheet-remote', [event('Remote')]);
        await delay(100);
        expect(delivered).toHaveLength(0);
        idle.notifyAppended();
        await subscription.waitFor(remote.position, 2000);
        expect(delivered.map((e) => e.type)).toEqual(['Remote']);
      } finally {
        await subscription.stop();
        await idle.close();
      }
    });

    it('vouches for the revisions it wrote only until another connection writes (knownRevision)', async () => {
      const other = new SqliteEventStore({ path: fixture.path });
      try {
        expect(store.knownRevision('sheet-mine')).toBeUndefined(); // never written here: read it
        await store.appendToStream('sheet-mine', [event('A'), event('B')]);
        expect(store.knownRevision('sheet-mine')).toBe(1);
        await other.appendToStream('sheet-mine', [event('C')], { expectedRevision: 1 });
        // Another connection committed: nothing written here can be vouched for any more.
        expect(store.knownRevision('sheet-mine')).toBeUndefined();
        expect(await store.streamRevision('sheet-mine')).toBe(2);
        await store.appendToStream('sheet-mine', [event('D')], { expectedRevision: 2 });
        expect(store.knownRevision('sheet-mine')).toBe(3);
        expect(other.knownRevision('sheet-mine')).toBeUndefined();
      } finally {
        await other.close();
      }
    });

    it('checks an append against the head another connection wrote since, not against the head it wrote last', async () => {
      const other = new SqliteEventStore({ path: fixture.path });
      try {
        await store.appendToStream('sheet-stale', [event('A')], { expectedRevision: 'no_stream' });
        await other.appendToStream('sheet-stale', [event('B')], { expectedRevision: 0 });
        // No knownRevision call in between: the append itself must see the other connection's commit.
        await expect(store.appendToStream('sheet-stale', [event('C')], { expectedRevision: 0 })).rejects.toThrow(WrongExpectedRevisionError);
        const next = await store.appendToStream('sheet-stale', [event('D')]);
        expect(next.nextExpectedRevision).toBe(2);
        expect((await store.readStream('sheet-stale')).map((e) => e.type)).toEqual(['A', 'B', 'D']);
      } finally {
        await other.close();
      }
    });

    it('keeps optimistic concurrency across connections', async () => {
      const other = new SqliteEventStore({ path: fixture.path });
      try {
        await store.appendToStream('sheet-shared', [event('Created')], { expectedRevision: 'no_stream' });
        const outcomes = await Promise.allSettled([
          store.appendToStream('sheet-shared', [event('Here')], { expectedRevision: 0 }),
          other.appendToStream('sheet-shared', [event('There')], { expectedRevision: 0 }),
        ]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await other.streamRevision('sheet-shared')).toBe(1);
      } finally {
        await other.close();
      }
    });
  });

  describe('another connection holding the write lock', () => {
    /** A connection of its own (as another process's would be) that takes the file's write lock and keeps it until released. */
    function lockHolder(path: string) {
      const db = new Database(path);
      db.exec('BEGIN IMMEDIATE');
      return { release: () => { db.exec('COMMIT'); db.close(); } };
    }
    /** Counts the turns of a 5 ms timer: a thread held up by a wait for the lock counts none meanwhile. */
    function ticking() {
      let ticks = 0;
      const timer = setInterval(() => { ticks++; }, 5);
      return { get ticks() { return ticks; }, stop: () => clearInterval(timer) };
    }

    it('waits for it without holding up the thread, and commits the appends queued meanwhile once it is released', async () => {
      await store.appendToStream('sheet-a', [event('Created')]);
      const holder = lockHolder(fixture.path);
      const clock = ticking();
      let settled = 0;
      const appends = [
        store.appendToStream('sheet-a', [event('First')], { expectedRevision: 0 }),
        store.appendToStream('sheet-b', [event('Second')]),
      ].map((p) => p.finally(() => { settled++; }));
      await delay(60);
      // Queued while the lock is held: it goes with the next try.
      appends.push(store.appendToStream('sheet-c', [event('Third')]).finally(() => { settled++; }));
      await delay(90);
      expect(settled).toBe(0);
      expect(clock.ticks).toBeGreaterThanOrEqual(10);
      holder.release();
      const results = await Promise.all(appends);
      clock.stop();
      expect(results.map((r) => r.events.map((e) => e.type))).toEqual([['First'], ['Second'], ['Third']]);
      expect((await store.readAll()).map((e) => e.type)).toEqual(['Created', 'First', 'Second', 'Third']);
    });

    it('refuses the appends once the lock has been held past the busy timeout, having written nothing, and writes the next ones', async () => {
      const impatient = new SqliteEventStore({ path: fixture.path, busyTimeoutMs: 150 });
      try {
        const holder = lockHolder(fixture.path);
        const clock = ticking();
        const started = performance.now();
        const refused = await impatient.appendToStream('sheet-a', [event('Late')]).then(() => null, (error: unknown) => error);
        const waited = performance.now() - started;
        clock.stop();
        expect(refused).toMatchObject({ code: 'SQLITE_BUSY' });
        expect(waited).toBeGreaterThanOrEqual(140);
        expect(clock.ticks).toBeGreaterThanOrEqual(10);
        holder.release();
        expect(await impatient.readAll()).toEqual([]);
        await impatient.appendToStream('sheet-a', [event('Next')], { expectedRevision: 'no_stream' });
        expect((await store.readAll()).map((e) => e.type)).toEqual(['Next']);
      } finally {
        await impatient.close();
      }
    });

    it('an exclusive append waits for it the same way, and decides only once it holds the lock', async () => {
      await store.appendToStream('sheet-a', [event('Created')]);
      const holder = lockHolder(fixture.path);
      const clock = ticking();
      let preparedAt: number | null = null;
      const exclusive = store.appendExclusive!('sheet-a', async () => {
        preparedAt = performance.now();
        return { events: [event('Decided')], expectedRevision: await store.streamRevision('sheet-a') };
      });
      await delay(100);
      expect(preparedAt).toBeNull();
      expect(clock.ticks).toBeGreaterThanOrEqual(10);
      const releasedAt = performance.now();
      holder.release();
      const result = await exclusive;
      clock.stop();
      expect(preparedAt!).toBeGreaterThanOrEqual(releasedAt);
      expect(result.events.map((e) => [e.type, e.revision])).toEqual([['Decided', 1]]);
    });
  });

  it('writes appends still queued when closed, and refuses new ones', async () => {
    const pending = store.appendToStream('sheet-a', [event('Queued')]);
    await store.close();
    await expect(pending).resolves.toMatchObject({ position: 1 });
    await expect(store.appendToStream('sheet-a', [event('Late')])).rejects.toThrow('closed');
    const reopened = await fixture.reopen();
    expect((await reopened.readAll()).map((e) => e.type)).toEqual(['Queued']);
  });

  it('stops its subscriptions on close', async () => {
    const subscription = store.subscribeToAll(() => undefined);
    await store.close();
    await expect(subscription.waitFor(1, 100)).rejects.toThrow('stopped');
    await delay(120);
  });
});
