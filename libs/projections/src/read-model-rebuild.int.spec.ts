import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { SqliteEventStore, type EventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import { countIntoRollup, emptyRollup, type RollupRow } from './enjeu-rollup/enjeu-rollup.js';
import { ProjectionRunner } from './projection-runner.js';
import { openReadModelDb } from './read-model-db.js';
import { rebuildReadModels } from './read-model-rebuild.js';
import type { SheetView } from './sheets/sheet-view.js';

const ctx = { actor: 'admin:test', correlationId: 'c-1', source: 'test', now: new Date() };

function dump(db: Database): Record<string, unknown[]> {
  const names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'index') AND name NOT LIKE 'sqlite_%' AND name <> 'projection_checkpoints' ORDER BY name").pluck().all() as string[]);
  const out: Record<string, unknown[]> = { schema: names };
  for (const t of (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name <> 'projection_checkpoints'").pluck().all() as string[])) {
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all();
  }
  return out;
}

/** The roll-up as it was computed before it became a view: every sheet's document, counted in JavaScript. */
function rollupFromDocuments(db: Database): RollupRow[] {
  const rows = db.prepare(`SELECT v.roadmapId, v.version, v.enjeu, v.outcome, s.doc FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
    ORDER BY v.roadmapId, v.version, v.enjeu`).all() as Array<{ roadmapId: string; version: string; enjeu: string | null; outcome: string; doc: string }>;
  const groups = new Map<string, RollupRow>();
  for (const r of rows) {
    const key = `${r.roadmapId}|${r.version}|${r.enjeu}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = emptyRollup(r.roadmapId, r.version, r.enjeu)));
    countIntoRollup(g, r.outcome, JSON.parse(r.doc) as SheetView);
  }
  return [...groups.values()];
}

async function writeHistory(commands: RoadmapCommands): Promise<void> {
  await commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'CVL' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }] }, metadata: ctx });
  await commands.onRoadmap('r', { type: 'DraftVersion', data: { version: 'V3', basedOn: null, draftedOn: '2019-01-01' }, metadata: ctx });
  await commands.onRoadmap('r', { type: 'AdoptVersion', data: { version: 'V3', adoptedOn: '2019-03' }, metadata: ctx });
  for (let s = 0; s < 4; s++) {
    await commands.onSheet(`sheet-${s}`, {
      type: 'CreateSheet',
      data: {
        sheetId: `sheet-${s}`, roadmapId: 'r', version: 'V3', number: `4.${s + 1}`, kind: 'projet', enjeu: s === 3 ? 'inclusion' : 'avenir', title: `Fiche ${s}`, objective: null,
        theme: null, context: null, objectives: null, pilots: ['org'], partners: [], milestones: [{ milestoneId: 'm', title: 'M', due: '2020-S1' }],
        indicators: [{ indicatorId: 'n', name: 'N', unit: 'count', targets: [{ value: 100, by: '2022-12-31' }] }],
      },
      metadata: ctx,
    });
  }
  await commands.onRoadmap('r', { type: 'DraftVersion', data: { version: 'V4', basedOn: 'V3', draftedOn: '2023-01-01' }, metadata: ctx });
  for (let i = 0; i < 120; i++) {
    // Back-dated and departmental reports, so that the latest regional value depends on more than the order.
    const day = `20${20 + (i % 3)}-0${1 + (i % 9)}-1${i % 10}`;
    await commands.onSheet(`sheet-${i % 4}`, { type: 'ReportIndicator', data: { indicatorId: 'n', reportId: `rep-${i}`, value: 90 + (i % 20), observedOn: day, territory: i % 3 ? null : '37' }, metadata: ctx });
  }
  // The latest report of sheet-0 moved back in time, another one corrected twice.
  await commands.onSheet('sheet-0', { type: 'CorrectIndicatorReport', data: { indicatorId: 'n', reportId: 'rep-116', value: 7, observedOn: '2019-12-31', reason: 'date' }, metadata: ctx });
  await commands.onSheet('sheet-1', { type: 'CorrectIndicatorReport', data: { indicatorId: 'n', reportId: 'rep-1', value: 150, observedOn: '2024-01-01', reason: 'typo' }, metadata: ctx });
  await commands.onSheet('sheet-1', { type: 'CorrectIndicatorReport', data: { indicatorId: 'n', reportId: 'rep-1', value: 151, observedOn: '2024-01-02', reason: 'typo' }, metadata: ctx });
  await commands.onSheet('sheet-1', { type: 'ReachMilestone', data: { milestoneId: 'm', reachedOn: '2020-05-01' }, metadata: ctx });
  await commands.onSheet('sheet-2', { type: 'AbandonProject', data: { reason: 'insufficient_partners', explanation: 'x', effectiveOn: '2021-01-01' }, metadata: ctx });
  await commands.onSheet('sheet-2', { type: 'RetireSheet', data: { reason: 'insufficient_partners', explanation: 'x' }, metadata: ctx });
  await commands.onSheet('sheet-3', { type: 'CarryOverSheet', data: { toVersion: 'V4', changes: { number: '4.9', enjeu: 'avenir' } }, metadata: ctx });
}

describe('bulk rebuild of the read models', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-bulk-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    await writeHistory(new RoadmapCommands(store));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same tables, indexes and roll-up as a live runner fed in small batches', async () => {
    const liveDb = openReadModelDb(join(dir, 'live.sqlite'));
    const live = new ProjectionRunner(liveDb, allProjections(), 5);
    live.start(store);
    await live.waitFor(await store.headPosition());
    await live.stop();

    const result = await rebuildReadModels(store, join(dir, 'bulk.sqlite'), { batchSize: 17 });
    expect(result.position).toBe(await store.headPosition());
    // The series were written on the second thread, into their own file, then copied in.
    expect(result.timings.secondThread?.applyMs.sheets).toBeGreaterThan(0);
    const bulkDb = openReadModelDb(join(dir, 'bulk.sqlite'));
    expect(bulkDb.pragma('journal_mode', { simple: true })).toBe('wal');
    const bulk = dump(bulkDb);
    expect(bulk.indicator_reports).toHaveLength(120);
    expect(bulk.schema).toEqual(expect.arrayContaining(['enjeu_rollup', 'indicator_reports_by_report', 'sheet_snapshots_by_valid_day']));
    expect(dump(liveDb)).toEqual(bulk);

    // The corrected report shows its last correction; the view adds up what the documents say.
    expect(bulkDb.prepare("SELECT value, observedOn FROM indicator_reports WHERE reportId = 'rep-1'").get()).toEqual({ value: 151, observedOn: '2024-01-02' });
    const view = bulkDb.prepare('SELECT * FROM enjeu_rollup ORDER BY roadmapId, version, enjeu').all();
    expect(view).toEqual(rollupFromDocuments(bulkDb));
    expect(view.length).toBe(3);
    liveDb.close();
    bulkDb.close();
  });

  it('gives the same file on one thread as on two', async () => {
    const progress: Record<'one' | 'two', number[]> = { one: [], two: [] };
    const one = await rebuildReadModels(store, join(dir, 'one.sqlite'), { batchSize: 17, threads: 1, onProgress: (p) => progress.one.push(p) });
    const two = await rebuildReadModels(store, join(dir, 'two.sqlite'), { batchSize: 17, threads: 2, onProgress: (p) => progress.two.push(p) });
    expect(one.timings.secondThread).toBeUndefined();
    expect(two.timings.secondThread).toBeDefined();
    expect(two).toMatchObject({ events: one.events, position: one.position });
    // On two threads the progress comes from the documents' worker: the same positions, batch by batch.
    expect(progress.two).toEqual(progress.one);
    expect(progress.two.length).toBeGreaterThan(1);
    expect(progress.two.at(-1)).toBe(two.position);
    const oneDb = openReadModelDb(join(dir, 'one.sqlite'));
    const twoDb = openReadModelDb(join(dir, 'two.sqlite'));
    expect(dump(twoDb)).toEqual(dump(oneDb));
    // Nothing of the documents' own file is left behind.
    expect(existsSync(join(dir, 'two.sqlite.documents'))).toBe(false);
    oneDb.close();
    twoDb.close();
  });

  it('stops at the head the log had when it began, on both threads', async () => {
    const head = await store.headPosition();
    // A report appended right after the rebuild has read the head: neither thread replays it.
    const appendingLate: EventStore = Object.assign(Object.create(store) as EventStore, {
      headPosition: async () => {
        const at = await store.headPosition();
        await new RoadmapCommands(store).onSheet('sheet-0', { type: 'ReportIndicator', data: { indicatorId: 'n', reportId: 'late', value: 1, observedOn: '2024-02-01', territory: null }, metadata: ctx });
        return at;
      },
    });
    const result = await rebuildReadModels(appendingLate, join(dir, 'bulk.sqlite'), { batchSize: 17 });
    expect(await store.headPosition()).toBe(head + 1);
    expect(result).toMatchObject({ position: head, events: head });
    expect(result.timings.secondThread).toBeDefined();
    const db = openReadModelDb(join(dir, 'bulk.sqlite'));
    expect(db.prepare('SELECT MAX(position) FROM indicator_reports').pluck().get()).toBeLessThanOrEqual(head);
    expect(db.prepare('SELECT MAX(position) FROM event_feed').pluck().get()).toBe(head);
    expect(db.prepare('SELECT DISTINCT position FROM projection_checkpoints').pluck().all()).toEqual([head]);
    db.close();
  });
});
