import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { sheetDecider, sheetStream, type SheetState } from '#domain';
import { SqliteEventStore } from '#event-store';
import { RoadmapCommands } from './roadmap-commands.js';
import { snapshotKind, SqliteSnapshotStore } from './snapshot-store.js';

const ctx = { actor: 'test', correlationId: 'c-1', source: 'test' };
const metadata = { ...ctx, now: new Date() };
const created = {
  type: 'SheetCreated',
  data: {
    sheetId: 's1', roadmapId: 'r', version: 'V4', number: '1.1', kind: 'projet', enjeu: 'inclusion', title: 'T', objective: null, theme: null,
    context: null, objectives: null, pilots: ['org-a'], partners: [], continues: [],
    indicators: [{ indicatorId: 'i1', name: 'I', unit: 'count', targets: [] }], milestones: [],
  },
};
const reported = (n: number) => ({
  type: 'IndicatorReported',
  data: { sheetId: 's1', indicatorId: 'i1', reportId: `r${n}`, value: n, observedOn: '2024-01-01', territory: null, source: null, comment: null },
});
const report = (n: number) => ({ type: 'ReportIndicator' as const, data: { indicatorId: 'i1', reportId: `x${n}`, value: n, observedOn: '2024-02-01' }, metadata });
const reportsOf = (state: SheetState) => [...state.indicators.get('i1')!.reports.keys()];

describe('RoadmapCommands with cached states and snapshots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-repo-'));
  const path = join(dir, 'events.sqlite');

  it('decides on the same state as a full fold, saves snapshots, and catches up with writers elsewhere', async () => {
    const store = new SqliteEventStore({ path });
    await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
    await store.appendToStream(sheetStream('s1'), Array.from({ length: 30 }, (_, n) => ({ ...reported(n), metadata: ctx })));
    const snapshots = new SqliteSnapshotStore(join(dir, 'snapshots.sqlite'));
    const commands = new RoadmapCommands(store, { snapshots, snapshotEvery: 10 });

    await commands.onSheet('s1', report(1));
    expect(snapshots.load(sheetStream('s1'), [...listKinds(dir)][0]!)?.revision).toBe(31);

    // Another process appends to the stream: the cached state must not miss it.
    const other = new SqliteEventStore({ path });
    await other.appendToStream(sheetStream('s1'), [{ ...reported(100), metadata: ctx }], { expectedRevision: 31 });
    await other.close();
    const outcome = await commands.onSheet('s1', report(2));
    expect(outcome.revision).toBe(33);
    // A duplicate report id is refused by the decider: the cached state knows x2.
    await expect(commands.onSheet('s1', report(2))).rejects.toMatchObject({ code: 'report_exists' });

    const fromRepository = await commands.load(sheetStream('s1'), sheetDecider);
    const plain = new RoadmapCommands(store);
    const fromFullFold = await plain.load(sheetStream('s1'), sheetDecider);
    expect(fromRepository.revision).toBe(fromFullFold.revision);
    expect(reportsOf(fromRepository.state)).toEqual(reportsOf(fromFullFold.state));
    expect(reportsOf(fromFullFold.state)).toHaveLength(33);

    // A new repository on the same files starts from the snapshot and folds only the tail.
    const restarted = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(join(dir, 'snapshots.sqlite')), snapshotEvery: 10 });
    const again = await restarted.load(sheetStream('s1'), sheetDecider);
    expect(reportsOf(again.state)).toEqual(reportsOf(fromFullFold.state));
    restarted.close();
    commands.close();
    await store.close();
  });

  it('reads nothing before deciding when the store vouches for the cached revision, and reads again once another connection wrote', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'known.sqlite') });
    await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
    const commands = new RoadmapCommands(store);
    const reads: string[] = [];
    // A fold reads through readStreamFolded (type and data only).
    const readStreamFolded = store.readStreamFolded.bind(store);
    store.readStreamFolded = (stream, options) => { reads.push(stream); return readStreamFolded(stream, options); };
    await commands.onSheet('s1', report(1)); // first time: folds the stream
    const afterFirst = reads.length;
    expect(afterFirst).toBeGreaterThan(0);
    await commands.onSheet('s1', report(2));
    await commands.onSheet('s1', report(3));
    expect(reads.length).toBe(afterFirst); // this store wrote the last events: nothing to read

    const other = new SqliteEventStore({ path: join(dir, 'known.sqlite') });
    await other.appendToStream(sheetStream('s1'), [{ ...reported(50), metadata: ctx }], { expectedRevision: 3 });
    await other.close();
    const outcome = await commands.onSheet('s1', report(4));
    expect(reads.length).toBeGreaterThan(afterFirst); // caught up from the store
    expect(outcome.revision).toBe(5);
    const state = (await commands.load(sheetStream('s1'), sheetDecider)).state;
    expect(reportsOf(state)).toEqual(['x1', 'x2', 'x3', 'r50', 'x4']);
    await store.close();
  });

  it('checks a guard against the state the command is decided on, without storing anything when it refuses', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'guard.sqlite') });
    await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
    const commands = new RoadmapCommands(store);
    const onlyOrgB = (state: SheetState) => {
      if (!state.fields.pilots.includes('org-b')) throw Object.assign(new Error('not a pilot'), { code: 'not_a_pilot' });
    };
    await expect(commands.onSheet('s1', report(1), onlyOrgB)).rejects.toMatchObject({ code: 'not_a_pilot' });
    expect(await store.streamRevision(sheetStream('s1'))).toBe(0);
    await commands.onSheet('s1', report(1), (state) => expect(state.fields.pilots).toEqual(['org-a']));
    expect(await store.streamRevision(sheetStream('s1'))).toBe(1);
    await store.close();
  });

  it('saves the states still held when it closes, and one dropped from memory to make room, so that their next load folds nothing', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'leaving.sqlite') });
    const snapshotsPath = join(dir, 'leaving-snapshots.sqlite');
    for (const s of ['s1', 's2']) await store.appendToStream(sheetStream(s), [{ ...created, data: { ...created.data, sheetId: s }, metadata: ctx }]);
    // snapshotEvery 100: 40 reports do not reach the interval, only leaving memory saves them (10 or more unsaved).
    const commands = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(snapshotsPath), snapshotEvery: 100, cachedStreams: 1 });
    for (let n = 1; n <= 40; n++) await commands.onSheet('s1', report(n));
    const snapshotOf = (stream: string) => {
      const kinds = [...listKinds(dir, 'leaving-snapshots.sqlite')];
      const snapshots = new SqliteSnapshotStore(snapshotsPath);
      try { return kinds.length ? snapshots.load(stream, kinds[0]!)?.revision ?? null : null; } finally { snapshots.close(); }
    };
    expect(snapshotOf(sheetStream('s1'))).toBeNull();
    // s2's state pushes s1's out of the one-stream cache: s1 is saved as it leaves.
    await commands.onSheet('s2', report(1));
    expect(snapshotOf(sheetStream('s1'))).toBe(40);
    for (let n = 2; n <= 30; n++) await commands.onSheet('s2', report(n));
    expect(snapshotOf(sheetStream('s2'))).toBeNull();
    commands.close();
    expect(snapshotOf(sheetStream('s2'))).toBe(30);

    // Started again on the same files: both states come from their snapshots, no event is read.
    const restarted = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(snapshotsPath), snapshotEvery: 100 });
    const reads: string[] = [];
    const readStreamFolded = store.readStreamFolded.bind(store);
    store.readStreamFolded = (stream, options) => { reads.push(`${stream}@${options?.fromRevision}`); return readStreamFolded(stream, options); };
    const s1 = await restarted.load(sheetStream('s1'), sheetDecider);
    expect(reportsOf(s1.state)).toHaveLength(40);
    // The snapshot's own event, read to check that the log still holds it; then the read after it, which finds nothing.
    expect(reads).toEqual([`${sheetStream('s1')}@40`, `${sheetStream('s1')}@41`]);
    restarted.close();
    await store.close();
  });

  describe('given snapshots the log no longer agrees with (the log restored from a backup older than them)', () => {
    /** A log of the sheet and 20 reports, copied as its backup; then 10 more reports and a command, which snapshots at revision 31. */
    const setUp = async (name: string) => {
      const logPath = join(dir, `${name}.sqlite`);
      const snapshotsPath = join(dir, `${name}-snapshots.sqlite`);
      const store = new SqliteEventStore({ path: logPath });
      await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
      await store.appendToStream(sheetStream('s1'), Array.from({ length: 20 }, (_, n) => ({ ...reported(n), metadata: ctx })));
      await store.close();
      copyFileSync(logPath, `${logPath}.backup`);
      const later = new SqliteEventStore({ path: logPath });
      await later.appendToStream(sheetStream('s1'), Array.from({ length: 10 }, (_, n) => ({ ...reported(20 + n), metadata: ctx })));
      const commands = new RoadmapCommands(later, { snapshots: new SqliteSnapshotStore(snapshotsPath), snapshotEvery: 10 });
      await commands.onSheet('s1', report(1));
      commands.close();
      await later.close();
      const kind = [...listKinds(dir, `${name}-snapshots.sqlite`)][0]!;
      const snapshotAt = () => {
        const snapshots = new SqliteSnapshotStore(snapshotsPath);
        try { return snapshots.load(sheetStream('s1'), kind)?.revision ?? null; } finally { snapshots.close(); }
      };
      expect(snapshotAt()).toBe(31);
      // The restore: the backup, without the last 11 events, back in the log's place.
      copyFileSync(`${logPath}.backup`, logPath);
      return { logPath, snapshotsPath, snapshotAt };
    };

    it('when the log is shorter than a snapshot, then the snapshot is discarded, and commands are decided on the log as it is', async () => {
      const { logPath, snapshotsPath, snapshotAt } = await setUp('restored-shorter');
      const store = new SqliteEventStore({ path: logPath });
      const commands = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(snapshotsPath), snapshotEvery: 10 });
      const outcome = await commands.onSheet('s1', report(1));

      // On the snapshot, x1 would be refused as a report it holds, or the append would lose every race on revision 31.
      expect(outcome.revision).toBe(21);
      expect(snapshotAt()).not.toBe(31);
      const { state } = await new RoadmapCommands(store).load(sheetStream('s1'), sheetDecider);
      expect(reportsOf(state)).toEqual([...Array.from({ length: 20 }, (_, n) => `r${n}`), 'x1']);
      commands.close();
      await store.close();
    });

    it('when the log has grown past a snapshot along another history, then the snapshot, whose event was recorded at another time, is discarded too', async () => {
      const { logPath, snapshotsPath, snapshotAt } = await setUp('restored-other');
      const store = new SqliteEventStore({ path: logPath });
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.appendToStream(sheetStream('s1'), Array.from({ length: 15 }, (_, n) => ({ ...reported(200 + n), metadata: ctx })));
      const commands = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(snapshotsPath), snapshotEvery: 10 });
      const loaded = await commands.load(sheetStream('s1'), sheetDecider);

      expect(loaded.revision).toBe(35);
      expect(reportsOf(loaded.state)).toEqual([...Array.from({ length: 20 }, (_, n) => `r${n}`), ...Array.from({ length: 15 }, (_, n) => `r${200 + n}`)]);
      expect(snapshotAt()).toBeNull();
      commands.close();
      await store.close();
    });
  });

  it('reads a snapshot file made before snapshots kept their event\'s record time: the column is added, and such a snapshot is used while its event is in the log', async () => {
    const store = new SqliteEventStore({ path: join(dir, 'older-file.sqlite') });
    await store.appendToStream(sheetStream('s1'), [{ ...created, metadata: ctx }]);
    await store.appendToStream(sheetStream('s1'), Array.from({ length: 12 }, (_, n) => ({ ...reported(n), metadata: ctx })));
    const snapshotsPath = join(dir, 'older-file-snapshots.sqlite');
    const kind = snapshotKind(sheetDecider);
    const folded = await new RoadmapCommands(store).load(sheetStream('s1'), sheetDecider);
    const old = new Database(snapshotsPath);
    old.exec(`CREATE TABLE snapshots (stream TEXT NOT NULL, kind TEXT NOT NULL, revision INTEGER NOT NULL, state BLOB NOT NULL, saved_at TEXT NOT NULL,
      PRIMARY KEY (stream, kind, revision)) WITHOUT ROWID`);
    old.prepare('INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)').run(sheetStream('s1'), kind, 12, serialize(folded.state), new Date().toISOString());
    old.close();

    const snapshots = new SqliteSnapshotStore(snapshotsPath);
    expect(snapshots.load(sheetStream('s1'), kind)).toMatchObject({ revision: 12, recordedAt: null });
    const reads: string[] = [];
    const readStreamFolded = store.readStreamFolded.bind(store);
    store.readStreamFolded = (stream, options) => { reads.push(`${options?.fromRevision}`); return readStreamFolded(stream, options); };
    const loaded = await new RoadmapCommands(store, { snapshots }).load(sheetStream('s1'), sheetDecider);
    expect(reportsOf(loaded.state)).toHaveLength(12);
    expect(reads).toEqual(['12', '13']);
    snapshots.close();
    await store.close();
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
});

function listKinds(dir: string, file = 'snapshots.sqlite'): Set<string> {
  const db = new Database(join(dir, file), { readonly: true });
  const kinds = new Set<string>((db.prepare('SELECT DISTINCT kind FROM snapshots').all() as { kind: string }[]).map((r) => r.kind));
  db.close();
  return kinds;
}
