import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner, type Projection } from '#projections';
import { dumpReadModels } from '../support/read-model-dump.js';

const ctx = { actor: 'admin:test', correlationId: 'c-1', source: 'test', now: new Date() };

async function writeHistory(commands: RoadmapCommands): Promise<void> {
  await commands.onRoadmap('r', { type: 'CreateRoadmap', data: { roadmapId: 'r', title: 'R', region: { code: '24', name: 'CVL' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }] }, metadata: ctx });
  await commands.onRoadmap('r', { type: 'DraftVersion', data: { version: 'V3', basedOn: null, draftedOn: '2019-01-01' }, metadata: ctx });
  await commands.onRoadmap('r', { type: 'AdoptVersion', data: { version: 'V3', adoptedOn: '2019-03' }, metadata: ctx });
  for (let s = 0; s < 5; s++) {
    await commands.onSheet(`sheet-${s}`, {
      type: 'CreateSheet',
      data: {
        sheetId: `sheet-${s}`, roadmapId: 'r', version: 'V3', number: `4.${s + 1}`, kind: 'projet', enjeu: 'avenir', title: `Fiche ${s}`, objective: null, theme: null,
        context: null, objectives: null, pilots: ['org'], partners: [], milestones: [{ milestoneId: 'm', title: 'M', due: '2020-S1' }],
        indicators: [{ indicatorId: 'n', name: 'N', unit: 'count', targets: [{ value: 100, by: '2022-12-31' }] }],
      },
      metadata: ctx,
    });
  }
  await commands.onRoadmap('r', { type: 'DraftVersion', data: { version: 'V4', basedOn: 'V3', draftedOn: '2023-01-01' }, metadata: ctx });
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < 300; i++) {
    const day = `20${20 + (i % 3)}-0${1 + (i % 9)}-1${i % 10}`;
    writes.push(commands.onSheet(`sheet-${i % 5}`, { type: 'ReportIndicator', data: { indicatorId: 'n', reportId: `rep-${i}`, value: i, observedOn: day, territory: i % 2 ? '37' : null }, metadata: ctx }));
  }
  await Promise.all(writes);
  await commands.onSheet('sheet-0', { type: 'CorrectIndicatorReport', data: { indicatorId: 'n', reportId: 'rep-0', value: 7, observedOn: '2019-12-31', reason: 'typo' }, metadata: ctx });
  await commands.onSheet('sheet-1', { type: 'ReachMilestone', data: { milestoneId: 'm', reachedOn: '2020-05-01' }, metadata: ctx });
  await commands.onSheet('sheet-2', { type: 'AbandonProject', data: { reason: 'insufficient_partners', explanation: 'x', effectiveOn: '2021-01-01' }, metadata: ctx });
  await commands.onSheet('sheet-2', { type: 'RetireSheet', data: { reason: 'insufficient_partners', explanation: 'x' }, metadata: ctx });
  await commands.onSheet('sheet-3', { type: 'CarryOverSheet', data: { toVersion: 'V4', changes: { number: '4.9', title: 'Fiche 3 bis' } }, metadata: ctx });
}

describe('projections', () => {
  let dir: string;
  let store: SqliteEventStore;
  let commands: RoadmapCommands;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-proj-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    commands = new RoadmapCommands(store);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a live runner (small batches, while writes happen) equals a rebuild from zero', async () => {
    const liveDb = openReadModelDb(join(dir, 'live.sqlite'));
    const live = new ProjectionRunner(liveDb, allProjections(), 7);
    live.start(store);
    await writeHistory(commands);
    await live.waitFor(await store.headPosition());
    await live.stop();

    const rebuiltDb = openReadModelDb(join(dir, 'rebuilt.sqlite'));
    const rebuilt = new ProjectionRunner(rebuiltDb, allProjections());
    rebuilt.applyBatch(await store.readAll());
    const liveTables = dumpReadModels(liveDb);
    expect(liveTables.indicator_reports).toHaveLength(300);
    expect(liveTables.sheet_versions!.length).toBe(6);
    expect(liveTables).toEqual(dumpReadModels(rebuiltDb));
    liveDb.close();
    rebuiltDb.close();
  });

  it('a crash between applying events and moving the checkpoint applies nothing; a restart neither skips nor doubles', async () => {
    await writeHistory(commands);
    const head = await store.headPosition();
    const db = openReadModelDb(join(dir, 'crash.sqlite'));
    const events = await store.readAll();
    const first = events.slice(0, 100);
    new ProjectionRunner(db, allProjections()).applyBatch(first);

    // The next batch fails after the sheets projection has written its rows: the transaction must undo them.
    let calls = 0;
    const failing = allProjections().map((p): Projection => ({
      name: p.name, version: p.version, tables: p.tables, setup: (d) => p.setup(d),
      apply: (d, batch) => { p.apply(d, batch); if (p.name === 'event-feed' && ++calls === 1) throw new Error('power cut'); },
    }));
    const before = dumpReadModels(db);
    expect(() => new ProjectionRunner(db, failing).applyBatch(events.slice(100, 200))).toThrow('power cut');
    expect(dumpReadModels(db)).toEqual(before);
    expect((db.prepare('SELECT MAX(position) AS p FROM projection_checkpoints').get() as { p: number }).p).toBe(100);

    // Restart: catch up through the subscription from the checkpoint.
    const runner = new ProjectionRunner(db, allProjections());
    expect(runner.checkpoint).toBe(100);
    runner.start(store);
    await runner.waitFor(head);
    await runner.stop();

    const fresh = openReadModelDb(join(dir, 'fresh.sqlite'));
    new ProjectionRunner(fresh, allProjections()).applyBatch(events);
    expect(dumpReadModels(db)).toEqual(dumpReadModels(fresh));
    expect((db.prepare('SELECT COUNT(*) AS n FROM event_feed').get() as { n: number }).n).toBe(head);
    db.close();
    fresh.close();
  });

  it('rebuilds a projection whose version changed', async () => {
    await writeHistory(commands);
    const db = openReadModelDb(join(dir, 'versioned.sqlite'));
    new ProjectionRunner(db, allProjections()).applyBatch(await store.readAll());
    db.prepare("UPDATE projection_checkpoints SET version = 0 WHERE name = 'sheets'").run();
    db.prepare('DELETE FROM indicator_reports').run();
    const runner = new ProjectionRunner(db, allProjections());
    expect(runner.statuses().find((s) => s.name === 'sheets')!.position).toBe(0);
    runner.start(store);
    await runner.waitFor(await store.headPosition());
    await runner.stop();
    expect((db.prepare('SELECT COUNT(*) AS n FROM indicator_reports').get() as { n: number }).n).toBe(300);
    db.close();
  });
});
