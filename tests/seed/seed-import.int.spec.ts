import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { RoadmapCommands } from '#application';
import { SqliteEventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner, readModelsOf, type SheetView } from '#projections';
import { loadSeed, seedRoadmap, type SeedSet } from '#seed';

describe('importing the SCORAN Centre-Val de Loire seed through the deciders', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: Database;
  let seed: SeedSet;
  let firstRun: { written: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-seed-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    seed = loadSeed();
    firstRun = await seedRoadmap(new RoadmapCommands(store), { seed });
    db = openReadModelDb(join(dir, 'read.sqlite'));
    new ProjectionRunner(db, allProjections()).applyBatch(await store.readAll());
  });
  afterAll(async () => {
    db.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sheet = (id: string) => JSON.parse((db.prepare('SELECT doc FROM sheet_summary WHERE sheetId = ?').get(id) as { doc: string }).doc) as SheetView;

  it('writes ordinary events, from the secretariat, marked as seed', async () => {
    const events = await store.readAll();
    expect(firstRun.written).toBe(events.length);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const carried = seed.sheetsV3.filter((s) => s.outcome === 'carried_over').length;
    expect(count('SheetCreated')).toBe(33 - carried + seed.sheetsV3.length);
    expect(count('SheetCarriedOver')).toBe(carried);
    expect(count('SheetRetired')).toBe(seed.sheetsV3.length - carried);
    // V1 and V2 were drafted and replaced, never reported adopted.
    expect(count('RoadmapVersionAdopted')).toBe(2);
    expect(count('RoadmapVersionSuperseded')).toBe(2);
    expect(events.every((e) => e.metadata.source === 'seed' && e.metadata.actor === 'secretariat')).toBe(true);
    const report = events.find((e) => e.type === 'IndicatorReported')!;
    expect(report.metadata.provenance).toMatchObject({ section: expect.any(String), quote: expect.any(String) });
  });

  it('a second run writes nothing', async () => {
    const head = await store.headPosition();
    const again = await seedRoadmap(new RoadmapCommands(store), { seed });
    expect(again.written).toBe(0);
    expect(await store.headPosition()).toBe(head);
  });

  it('holds the 33 V4 sheets with the document’s numbers, kinds, enjeux, titles and pilots', () => {
    const rows = db.prepare("SELECT sheetId, number, kind, enjeu, title FROM sheet_versions WHERE version = 'V4'").all() as Array<Record<string, string>>;
    expect(rows).toHaveLength(33);
    for (const s of seed.sheetsV4) {
      const doc = sheet(s.sheetId);
      expect({ number: doc.number, kind: doc.kind, enjeu: doc.enjeu, title: doc.title, pilots: doc.pilots, version: doc.version }).toEqual({ number: s.number, kind: s.kind, enjeu: s.enjeu, title: s.title, pilots: s.pilots, version: 'V4' });
    }
    expect(rows.filter((r) => r.kind === 'animation')).toHaveLength(13);
    expect(sheet('csirt-cyberreponse').number).toBe('4.13');
    // Annexe 3 gives no V3 numbers.
    expect(sheet('open-data-challenge').versions).toEqual([{ version: 'V3', number: null }, { version: 'V4', number: '3.10' }]);
  });

  it('holds every dated target and every measured figure with its date', () => {
    for (const s of seed.sheetsV4) {
      const doc = sheet(s.sheetId);
      for (const i of s.indicators) {
        const ind = doc.indicators.find((x) => x.indicatorId === i.indicatorId)!;
        for (const t of (i.targets ?? []).filter((x) => x.by)) expect(ind.targets).toContainEqual(expect.objectContaining({ value: t.value, by: t.by }));
        for (const r of i.reports ?? []) {
          const row = db.prepare('SELECT value FROM indicator_reports WHERE sheetId = ? AND indicatorId = ? AND observedOn = ? AND territory IS ?').get(s.sheetId, i.indicatorId, r.observedOn, r.territory);
          expect(row).toEqual({ value: r.value });
        }
      }
    }
    const netIrrig = sheet('net-irrig');
    expect(netIrrig.indicators.some((i) => i.targets.some((t) => t.value === 2000 && t.by === '2026-06-30'))).toBe(true);
  });

  it('puts Annexe 2 on the infrastructure sheet, per department, and the department rows reconcile with the table', () => {
    const infra = seed.infrastructure;
    const rows = db.prepare("SELECT territory, zone, value FROM indicator_reports WHERE sheetId = ? AND indicatorId = 'prises-ftth-construites' AND observedOn = '2023-03-31'").all(infra.sheetId) as Array<{ territory: string; zone: string; value: number }>;
    const departments = new Set(rows.map((r) => r.territory));
    for (const code of ['18', '28', '36', '37', '41', '45']) expect(departments.has(code)).toBe(true);
    const expected = infra.indicators.find((i) => i.indicatorId === 'prises-ftth-construites')!.reports!;
    expect(rows).toHaveLength(expected.length);
    const sum = (zone: string) => rows.filter((r) => r.zone === zone && r.territory !== '24').reduce((s, r) => s + r.value, 0);
    const printed = (zone: string) => expected.find((r) => r.zone === zone && r.territory === '24')?.value;
    if (printed('privee') !== undefined) expect(sum('privee')).toBe(printed('privee'));
  });

  it('lists the V3 sheets with how each ended', () => {
    const rows = db.prepare("SELECT sheetId, outcome, outcomeReason, nextVersion FROM sheet_versions WHERE version = 'V3'").all() as Array<Record<string, string | null>>;
    expect(rows).toHaveLength(seed.sheetsV3.length);
    const byId = new Map(rows.map((r) => [r.sheetId, r]));
    for (const s of seed.sheetsV3) {
      const row = byId.get(s.sheetId)!;
      if (s.outcome === 'carried_over') expect(row).toMatchObject({ outcome: 'carried_over', nextVersion: 'V4' });
      else if (s.outcome === 'abandoned') expect(row).toMatchObject({ outcome: 'retired', outcomeReason: 'insufficient_partners' });
      else expect(row).toMatchObject({ outcome: 'retired', outcomeReason: s.reasonCode ?? s.outcome });
    }
    expect(byId.get('pass-numerique')).toMatchObject({ outcomeReason: 'insufficient_partners' });
    // « achevés ou non reconduits »: the document does not say which.
    expect(byId.get('open-badges')).toMatchObject({ outcomeReason: 'completed_or_not_renewed' });
    expect(byId.get('offre-mutualisee-dpo')).toMatchObject({ outcomeReason: 'unstated' });
  });

  it('records the versions as the document tells them: V1 and V2 drafted then superseded, V3 and V4 adopted, no invented draft day', () => {
    const versions = db.prepare('SELECT version, status, draftedOn, adoptedOn, supersededBy FROM roadmap_versions ORDER BY version').all();
    expect(versions).toEqual([
      { version: 'V1', status: 'superseded', draftedOn: '2010', adoptedOn: null, supersededBy: 'V2' },
      { version: 'V2', status: 'superseded', draftedOn: '2014', adoptedOn: null, supersededBy: 'V3' },
      { version: 'V3', status: 'adopted', draftedOn: null, adoptedOn: '2019-03', supersededBy: null },
      { version: 'V4', status: 'adopted', draftedOn: null, adoptedOn: '2023-06-26', supersededBy: null },
    ]);
  });
  it('records every entry of discrepancies.json as an open finding, with its figures, what it refers to and its quotes', () => {
    const findings = readModelsOf(db, store).dataQuality.findings(seed.roadmap.roadmapId);
    expect(findings.map((f) => f.findingId)).toEqual(seed.discrepancies.map((d) => d.id));
    for (const [k, d] of seed.discrepancies.entries()) {
      expect(findings[k]).toMatchObject({ status: 'open', description: d.description, refersTo: d.refersTo, provenance: d.provenance, recordedBy: 'secretariat' });
      expect(findings[k]!.figures.length).toBeGreaterThan(0);
    }
    const regionTotal = findings.find((f) => f.findingId === 'ftth-region-total-built-excludes-amel')!;
    expect(regionTotal.figures).toEqual([expect.objectContaining({ printed: 1337268, recomputed: 1401323 })]);
    const pages = findings.find((f) => f.findingId === 'summary-page-numbers')!;
    expect(pages.figures).toEqual([{ label: 'sommaire', printed: 15, recomputed: null }, { label: 'annexes', printed: 16, recomputed: null }]);
  });

  it('records Partie II as the V4 governance and Annexe 3 §1 as the V3 one, each fact with its quote', () => {
    const byVersion = readModelsOf(db, store).governance.byVersion(seed.roadmap.roadmapId);
    expect(byVersion.V4!.map((f) => f.factId)).toEqual(seed.governance.facts.map((f) => f.factId));
    expect(byVersion.V3!.map((f) => f.factId)).toEqual(seed.governance.v3.map((f) => f.factId));
    const cadence = byVersion.V4!.find((f) => f.factId === 'crsn-meeting-cadence')!;
    expect(cadence).toMatchObject({ kind: 'meeting-cadence', statement: 'La CRSN se réunit au moins une fois par an.', details: { body: 'crsn', cadence: { meetings: { value: 1, qualifier: 'at_least' } } } });
    expect(cadence.provenance).toEqual([seed.governance.facts.find((f) => f.factId === 'crsn-meeting-cadence')!.provenance]);
  });

  it('keeps each V3 sheet as Annexe 3 gives it: no number, kind, enjeu or pilots it does not name, only the V3 figures', () => {
    // The document of the version: frozen at the carry-over, or the summary's for a sheet still in V3.
    const rows = db.prepare(`SELECT v.sheetId, v.number, v.kind, v.enjeu, COALESCE(v.doc, s.doc) AS doc FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
      WHERE v.version = 'V3'`).all() as Array<{ sheetId: string; number: string | null; kind: string | null; enjeu: string | null; doc: string }>;
    for (const r of rows) {
      const doc = JSON.parse(r.doc) as SheetView;
      expect({ number: r.number, kind: r.kind, enjeu: r.enjeu, docNumber: doc.number, docEnjeu: doc.enjeu, pilots: doc.pilots, version: doc.version })
        .toEqual({ number: null, kind: null, enjeu: null, docNumber: null, docEnjeu: null, pilots: [], version: 'V3' });
      const figures = seed.v3Figures.filter((f) => f.sheetId === r.sheetId).map((f) => f.indicatorId).sort();
      expect(doc.indicators.map((i) => i.indicatorId).sort()).toEqual(figures);
      expect(doc.milestones).toEqual([]);
    }
    // The carried-over sheet says why it continued, in Annexe 3's account.
    const hubLo = rows.find((r) => r.sheetId === 'inclusion-numerique')!;
    expect(db.prepare("SELECT outcomeExplanation FROM sheet_versions WHERE sheetId = 'inclusion-numerique' AND version = 'V3'").pluck().get())
      .toBe(seed.sheetsV3.find((s) => s.sheetId === 'inclusion-numerique')!.explanation);
    expect(JSON.parse(hubLo.doc).title).toBe('Médiation numérique (consortium de médiation numérique « Hub-Lo »)');
  });
});

describe('importing the seed over reports recorded before their printed form', () => {
  let dir: string;
  let store: SqliteEventStore;
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('corrects each such report with its printed date and qualifier, once, and writes nothing else', async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-seed-reprint-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    const seed = loadSeed();
    // As the importer wrote Annexe 3's "environ 44 %" before reports had a printed form: the last day, no qualifier.
    const withoutPrintedForm = structuredClone(seed);
    const share = withoutPrintedForm.v3Figures.find((f) => f.indicatorId === 'part-logements-raccordables')!;
    share.reports = share.reports!.map((r) => (r.value === 44 ? { ...r, observed: r.observedOn, qualifier: undefined } : r));
    await seedRoadmap(new RoadmapCommands(store), { seed: withoutPrintedForm });
    const head = await store.headPosition();
    const again = await seedRoadmap(new RoadmapCommands(store), { seed });
    const added = (await store.readAll({ fromPosition: head })).map((e) => ({ type: e.type, data: e.data as Record<string, unknown> }));
    expect(again.written).toBe(1);
    expect(added).toEqual([{ type: 'IndicatorReportCorrected', data: expect.objectContaining({ value: 44, observed: '2018-Q4', observedOn: '2018-12-31', qualifier: 'about' }) }]);
    expect((await seedRoadmap(new RoadmapCommands(store), { seed })).written).toBe(0);
  });
});
