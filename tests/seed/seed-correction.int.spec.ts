import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner } from '#projections';
import { loadSeed, seedRoadmap, type SeedSet } from '#seed';

/*
 * A store seeded before versions could be superseded holds V1 and V2 as adopted, and before numbers
 * could be unknown, the V3 sheets numbered "0". Seeding it again corrects that with new events,
 * once: the old events stay in the log as they were written.
 */
/** A store as an older seed wrote it, seeded again with today's seed, and its read models. */
interface Reseeded { store: SqliteEventStore; seed: SeedSet; oldEvents: Array<{ id: string; type: string; data: unknown }>; db: Database }

/**
 * Writes a store as an older seed did (`writeOld`), seeds it again, projects it, runs `specs` on it,
 * and checks in every case that the old events stay as written and that a further run writes nothing.
 */
function describeReseeding(title: string, writeOld: (store: SqliteEventStore, seed: SeedSet) => Promise<void>, specs: (ctx: Reseeded) => void): void {
  describe(title, () => {
    let dir: string;
    const ctx = {} as Reseeded;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'scoran-seed-correction-'));
      ctx.store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
      ctx.seed = loadSeed();
      await writeOld(ctx.store, ctx.seed);
      ctx.oldEvents = (await ctx.store.readAll()).map((e) => ({ id: e.id, type: e.type, data: e.data }));
      await seedRoadmap(new RoadmapCommands(ctx.store), { seed: ctx.seed });
      ctx.db = openReadModelDb(join(dir, 'read.sqlite'));
      new ProjectionRunner(ctx.db, allProjections()).applyBatch(await ctx.store.readAll());
    });
    afterAll(async () => {
      ctx.db.close();
      await ctx.store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    specs(ctx);

    it('never rewrites the old events, and a second run writes nothing', async () => {
      const events = await ctx.store.readAll();
      expect(events.slice(0, ctx.oldEvents.length).map((e) => ({ id: e.id, type: e.type, data: e.data }))).toEqual(ctx.oldEvents);
      const head = await ctx.store.headPosition();
      const again = await seedRoadmap(new RoadmapCommands(ctx.store), { seed: ctx.seed });
      expect(again.written).toBe(0);
      expect(await ctx.store.headPosition()).toBe(head);
    });
  });
}

describeReseeding('re-seeding a store that holds V1 and V2 as adopted', async (store, seed) => {
  const commands = new RoadmapCommands(store);
  const metadata = { now: new Date('2024-01-01T00:00:00Z'), actor: 'secretariat', source: 'seed', correlationId: 'old-seed' };
  const r = seed.roadmap;
  // What the seed wrote then: every version adopted on the year it was written.
  await commands.onRoadmap(r.roadmapId, { type: 'CreateRoadmap', data: { roadmapId: r.roadmapId, title: r.title, region: r.region, enjeux: r.enjeux.map((e) => ({ enjeuId: e.enjeuId, number: e.number, title: e.title })) }, metadata });
  await commands.onRoadmap(r.roadmapId, { type: 'DraftVersion', data: { version: 'V1', basedOn: null, draftedOn: '2010' }, metadata });
  await commands.onRoadmap(r.roadmapId, { type: 'AdoptVersion', data: { version: 'V1', adoptedOn: '2010' }, metadata });
  await commands.onRoadmap(r.roadmapId, { type: 'DraftVersion', data: { version: 'V2', basedOn: 'V1', draftedOn: '2014' }, metadata });
  await commands.onRoadmap(r.roadmapId, { type: 'AdoptVersion', data: { version: 'V2', adoptedOn: '2014' }, metadata });
}, (ctx) => {
  it('withdraws the two adoptions the document does not report, by new events that quote it', async () => {
    const events = await ctx.store.readAll();
    const withdrawn = events.filter((e) => e.type === 'RoadmapVersionAdoptionWithdrawn');
    expect(withdrawn.map((e) => [(e.data as any).version, (e.data as any).by])).toEqual([['V1', 'V2'], ['V2', 'V3']]);
    expect((withdrawn[0]!.data as any).reason).toContain('rédigée en 2010');
    expect(withdrawn[0]!.metadata.provenance).toMatchObject({ quote: expect.stringContaining('rédigée en 2010') });
    const versions = ctx.db.prepare('SELECT version, status, adoptedOn, adoptedBy, supersededBy FROM roadmap_versions ORDER BY version').all();
    expect(versions).toEqual([
      { version: 'V1', status: 'superseded', adoptedOn: null, adoptedBy: null, supersededBy: 'V2' },
      { version: 'V2', status: 'superseded', adoptedOn: null, adoptedBy: null, supersededBy: 'V3' },
      { version: 'V3', status: 'adopted', adoptedOn: '2019-03', adoptedBy: 'crsn', supersededBy: null },
      { version: 'V4', status: 'adopted', adoptedOn: '2023-06-26', adoptedBy: 'crsn', supersededBy: null },
    ]);
  });
});

describeReseeding('re-seeding a store that holds the V3 sheets numbered "0"', async (store, seed) => {
  // What the seed wrote then: the whole roadmap, each V3 sheet numbered "0" (carried over or retired since).
  await seedRoadmap(new RoadmapCommands(store), { seed: { ...seed, sheetsV3: seed.sheetsV3.map((s) => ({ ...s, number: '0' })) } });
}, (ctx) => {
  it('corrects every V3 number to unknown, retired and carried-over sheets alike, by one new event each', async () => {
    const corrected = (await ctx.store.readAll()).filter((e) => e.type === 'SheetVersionRecordCorrected');
    expect(corrected.map((e) => (e.data as any).sheetId).sort()).toEqual(ctx.seed.sheetsV3.map((s) => s.sheetId).sort());
    expect(corrected.every((e) => (e.data as any).version === 'V3' && (e.data as any).number === null)).toBe(true);
    // The document of the version (frozen at the carry-over, or the summary's for a sheet still in it).
    const rows = ctx.db.prepare(`SELECT v.sheetId, v.number, json_extract(COALESCE(v.doc, s.doc), '$.number') AS docNumber, json_extract(COALESCE(v.doc, s.doc), '$.version') AS docVersion
      FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId WHERE v.version = 'V3'`).all() as Array<{ sheetId: string; number: string | null; docNumber: string | null; docVersion: string }>;
    expect(rows.map((r) => r.docVersion)).toEqual(rows.map(() => 'V3'));
    expect(rows).toHaveLength(ctx.seed.sheetsV3.length);
    expect(rows.filter((r) => r.number !== null || r.docNumber !== null)).toEqual([]);
    // The V4 numbers of the carried-over sheets are the document's.
    const v4 = ctx.db.prepare("SELECT number FROM sheet_versions WHERE version = 'V4' AND sheetId = 'datacentre'").get() as { number: string };
    expect(v4.number).toBe('3.9');
  });
});

describeReseeding('re-seeding a store whose V4 milestones hold due dates in older forms', async (store, seed) => {
  // What older code wrote: open ends as their first year, "après 2023" as 2024, "à 3 ans" as a day,
  // no doubt on "au quatrième trimestre ?", and one milestone not at all.
  const olderForm = (m: SeedSet['sheetsV4'][number]['milestones'][number]) => {
    const { horizon, uncertain, ...rest } = m;
    if (horizon) return { ...rest, due: '2026-06-26' };
    if (m.due === '>2023/..') return { ...rest, due: '2024' };
    if (m.due?.endsWith('/..')) return { ...rest, due: m.due.slice(0, -3) };
    return uncertain ? rest : m;
  };
  const sheetsV4 = seed.sheetsV4.map((s) => ({
    ...s, milestones: s.milestones.filter((m) => m.milestoneId !== 'suite-migrations-ouverture').map(olderForm),
  }));
  const commands = new RoadmapCommands(store);
  await seedRoadmap(commands, { seed: { ...seed, sheetsV4 } });
  // A pilot rescheduled one of them since: its date is the new plan's, not the definition's.
  await commands.onSheet('net-irrig', { type: 'RescheduleMilestone', data: { milestoneId: 'application-web-de-reference', due: '2027', reason: 'Calendrier revu' }, metadata: { now: new Date('2024-02-01T00:00:00Z'), actor: 'pilot', source: 'api', correlationId: 'pilot-1' } });
}, (ctx) => {
  const doc = (sheetId: string) => JSON.parse((ctx.db.prepare('SELECT doc FROM sheet_summary WHERE sheetId = ?').get(sheetId) as { doc: string }).doc) as { milestones: Array<{ milestoneId: string; due: string | null; uncertain?: boolean; horizon?: { printed: string }; dueFr: string | null; rescheduled: unknown[] }> };
  const milestone = (sheetId: string, milestoneId: string) => doc(sheetId).milestones.find((m) => m.milestoneId === milestoneId)!;

  it('corrects each definition to the printed form by one new event that quotes the document, and adds the missing milestone', async () => {
    const events = await ctx.store.readAll();
    const corrected = events.filter((e) => e.type === 'MilestoneDefinitionCorrected').map((e) => e.data as any);
    expect(corrected.map((d) => [d.sheetId, d.milestoneId, d.previous.due, d.due]).sort()).toEqual([
      ['inclusion-numerique', 'renforcer-animation', '2024', '2024/..'],
      ['junon', 'apres-2023', '2024', '>2023/..'],
      ['net-irrig', 'extension-france-entiere', '2026-06-26', null],
      ['suivi-regional-infrastructures-numeriques', 'crsn-infrastructures-2023', '2023-Q4', '2023-Q4'],
      ['territoires-durables-connectes', 'evenements-structurants', '2024', '2024/..'],
    ]);
    expect(corrected.every((d) => d.reason.startsWith('Échéance telle qu\'imprimée : '))).toBe(true);
    const added = events.filter((e) => e.type === 'MilestoneAdded').map((e) => e.data as any);
    expect(added.map((d) => [d.sheetId, d.milestone.milestoneId, d.milestone.due])).toEqual([['datacentre', 'suite-migrations-ouverture', '2024/..']]);
  });

  it('shows the printed forms in the read models, and the rescheduled milestone with its new date', () => {
    expect(milestone('inclusion-numerique', 'renforcer-animation')).toMatchObject({ due: '2024/..', dueFr: 'à partir de 2024', rescheduled: [] });
    expect(milestone('junon', 'apres-2023')).toMatchObject({ due: '>2023/..', dueFr: 'après 2023' });
    expect(milestone('net-irrig', 'extension-france-entiere')).toMatchObject({ due: null, horizon: { printed: 'à 3 ans' }, dueFr: 'à 3 ans' });
    expect(milestone('suivi-regional-infrastructures-numeriques', 'crsn-infrastructures-2023')).toMatchObject({ due: '2023-Q4', uncertain: true });
    expect(milestone('suivi-regional-infrastructures-numeriques', 'crsn-infrastructures-2023').dueFr).toMatch(/\?$/);
    expect(milestone('net-irrig', 'application-web-de-reference')).toMatchObject({ due: '2027', rescheduled: [{ from: '2026-06-26', to: '2027', reason: 'Calendrier revu' }] });
    expect(milestone('datacentre', 'suite-migrations-ouverture')).toMatchObject({ due: '2024/..', dueFr: 'à partir de 2024' });
  });
});
