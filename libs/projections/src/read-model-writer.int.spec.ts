import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';
import { closeReadModelDb, currentBootId, markUnsynced, openReadModelDb, openReadModelWriter, unsyncedMarkerPath } from './read-model-db.js';

const ctx = { actor: 'admin:test', correlationId: 'c-1', source: 'test', now: new Date() };
const BOOT_A = '0b5e1c1e-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOOT_B = '0b5e1c1e-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

async function writeHistory(commands: RoadmapCommands, reports: number): Promise<void> {
  await commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'CVL' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }] }, metadata: ctx });
  await commands.onRoadmap('r', { type: 'DraftVersion', data: { version: 'V4', basedOn: null, draftedOn: '2023-01-01' }, metadata: ctx });
  await commands.onSheet('s', {
    type: 'CreateSheet',
    data: {
      sheetId: 's', roadmapId: 'r', version: 'V4', number: '4.1', kind: 'projet', enjeu: 'avenir', title: 'Fiche', objective: null,
      theme: null, context: null, objectives: null, pilots: ['org'], partners: [], milestones: [],
      indicators: [{ indicatorId: 'n', name: 'N', unit: 'count', targets: [] }],
    },
    metadata: ctx,
  });
  for (let i = 0; i < reports; i++) {
    await commands.onSheet('s', { type: 'ReportIndicator', data: { indicatorId: 'n', reportId: `rep-${i}`, value: i, observedOn: `2024-01-${String(1 + (i % 28)).padStart(2, '0')}` }, metadata: ctx });
  }
}

const reportCount = (db: Database) => db.prepare('SELECT COUNT(*) FROM indicator_reports').pluck().get() as number;

async function project(db: Database, store: SqliteEventStore): Promise<ProjectionRunner> {
  const runner = new ProjectionRunner(db, allProjections(), 7);
  runner.start(store);
  await runner.waitFor(await store.headPosition());
  return runner;
}

describe('the read models\' writer: commits not fsynced, a file left so by another boot rebuilt from the log', () => {
  let dir: string;
  let store: SqliteEventStore;
  let path: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-rm-writer-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    await writeHistory(new RoadmapCommands(store), 30);
    path = join(dir, 'read-models.sqlite');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits without fsync, under a synced marker naming the boot; a clean close syncs the file and removes the marker', async () => {
    const db = openReadModelWriter(path, { bootId: BOOT_A });
    expect(db.pragma('synchronous', { simple: true })).toBe(0);
    expect(readFileSync(unsyncedMarkerPath(path), 'utf8').trim()).toBe(BOOT_A);
    const runner = await project(db, store);
    await runner.stop();
    closeReadModelDb(db);
    expect(existsSync(unsyncedMarkerPath(path))).toBe(false);
    // The WAL was written into the file and emptied.
    expect(existsSync(`${path}-wal`) ? readFileSync(`${path}-wal`).length : 0).toBe(0);

    // Cleanly closed: another boot keeps it.
    let discarded = 0;
    const again = openReadModelWriter(path, { bootId: BOOT_B, onDiscarded: () => discarded++ });
    expect(discarded).toBe(0);
    expect(reportCount(again)).toBe(30);
    closeReadModelDb(again);
  });

  it('keeps the file after a crash of the process alone (same boot: the system still had every write)', async () => {
    const db = openReadModelWriter(path, { bootId: BOOT_A });
    const runner = await project(db, store);
    await runner.stop();
    db.close(); // no clean close: the marker stays
    expect(existsSync(unsyncedMarkerPath(path))).toBe(true);

    const reopened = openReadModelWriter(path, { bootId: BOOT_A, onDiscarded: () => { throw new Error('must not be discarded'); } });
    const runner2 = new ProjectionRunner(reopened, allProjections());
    expect(runner2.checkpoint).toBe(await store.headPosition());
    expect(reportCount(reopened)).toBe(30);
    closeReadModelDb(reopened);
  });

  it('discards a file another boot left with unsynced writes (here torn on purpose), and the runner rebuilds it from the log', async () => {
    const db = openReadModelWriter(path, { bootId: BOOT_A });
    const runner = await project(db, store);
    await runner.stop();
    const expected = db.prepare('SELECT * FROM indicator_reports ORDER BY reportId').all();
    db.close();
    // What a power cut can leave: the file cut short, the WAL gone.
    rmSync(`${path}-wal`, { force: true });
    rmSync(`${path}-shm`, { force: true });
    truncateSync(path, 4096);

    const told: string[] = [];
    const rebuilt = openReadModelWriter(path, { bootId: BOOT_B, onDiscarded: (p, wroteUnder) => told.push(`${p} ${wroteUnder}`) });
    expect(told).toEqual([`${path} ${BOOT_A}`]);
    expect(readFileSync(unsyncedMarkerPath(path), 'utf8').trim()).toBe(BOOT_B);
    const runner2 = await project(rebuilt, store);
    expect(rebuilt.prepare('SELECT * FROM indicator_reports ORDER BY reportId').all()).toEqual(expected);
    await runner2.stop();
    closeReadModelDb(rebuilt);
  });

  it('a rebuilt file switched in by a rename is marked first: another boot discards it until its writer closes it', () => {
    const fresh = openReadModelDb(join(dir, 'fresh.sqlite'));
    fresh.exec('CREATE TABLE marker_test (x INTEGER)');
    fresh.close();
    markUnsynced(path, BOOT_A);
    rmSync(path, { force: true });
    writeFileSync(path, readFileSync(join(dir, 'fresh.sqlite')));
    let discarded = 0;
    const db = openReadModelWriter(path, { bootId: BOOT_B, onDiscarded: () => discarded++ });
    expect(discarded).toBe(1);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'marker_test'").pluck().get()).toBe(0);
    closeReadModelDb(db);
  });

  it('syncs as an ordinary read-model connection where the system gives no boot id', () => {
    const db = openReadModelWriter(path, { bootId: null });
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(existsSync(unsyncedMarkerPath(path))).toBe(false);
    closeReadModelDb(db);
    expect(currentBootId(join(dir, 'no-such-file'))).toBeNull();
  });

  it('syncs, and never discards, where the read models cannot be rebuilt from a log (unsynced: false, a projector fed from Kafka)', () => {
    markUnsynced(path, BOOT_A);
    const db = openReadModelWriter(path, { bootId: BOOT_B, unsynced: false, onDiscarded: () => { throw new Error('must not be discarded'); } });
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    closeReadModelDb(db);
  });
});
