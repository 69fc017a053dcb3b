import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { expectStatus } from '../support/roadmap-fixture.js';
import { seedHook } from '#seed';

/**
 * The seeded server shows the roadmap's versions and the V3 sheets as the SCORAN V4 document states
 * them: nothing more (no invented number, enjeu, pilot, draft day or adoption), nothing less.
 */
const ROADMAP = 'scoran-centre-val-de-loire';
const seedFile = (name: string) => JSON.parse(readFileSync(new URL(`../../seeds/scoran-centre-val-de-loire/${name}.json`, import.meta.url), 'utf8'));
const sheetsV3 = seedFile('sheets-v3') as Array<{ sheetId: string; title: string; outcome: string; explanation: string; continuedBy: string | null }>;
const sheetsV4 = seedFile('sheets-v4') as Array<{ sheetId: string; number: string; indicators: Array<{ indicatorId: string }>; milestones: unknown[] }>;
const v3Figures = seedFile('v3-figures') as Array<{ sheetId: string; indicatorId: string }>;

describe('versions and V3 sheets as the document prints them', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
  });
  afterAll(() => app?.close(true));

  it('V1 and V2 are drafts of a year, superseded without an adoption; V3 adopted in March 2019, V4 on 26 June 2023, with no draft day', async () => {
    const roadmap = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}`, { token: null }), 200, 'roadmap').body;
    const versions = Object.fromEntries((roadmap.versions as any[]).map((v) => [v.version, v]));
    expect(versions.V1).toMatchObject({ status: 'superseded', draftedOn: '2010', draftedOnFr: 'en 2010', adoptedOn: null, adoptedOnFr: null, supersededBy: 'V2' });
    expect(versions.V2).toMatchObject({ status: 'superseded', draftedOn: '2014', draftedOnFr: 'en 2014', adoptedOn: null, supersededBy: 'V3' });
    expect(versions.V1.facts).toMatch(/rédigée en 2010/);
    expect(versions.V3).toMatchObject({ status: 'adopted', draftedOn: null, draftedOnFr: null, adoptedOn: '2019-03', adoptedOnFr: 'en mars 2019' });
    expect(versions.V4).toMatchObject({ status: 'adopted', draftedOn: null, adoptedOn: '2023-06-26', adoptedOnFr: 'le 26 juin 2023' });
  });

  it('?version=V3 lists the V3 sheets with their V3 content: no "0" numbers, no enjeu, kind or pilots Annexe 3 does not give, no V4 indicators', async () => {
    const list = expectStatus(await app.call('GET', `/api/sheets?version=V3&roadmapId=${ROADMAP}`, { token: null }), 200, 'V3 list').body as any[];
    expect(list.map((s) => s.sheetId).sort()).toEqual(sheetsV3.map((s) => s.sheetId).sort());
    for (const item of list) {
      const printed = sheetsV3.find((s) => s.sheetId === item.sheetId)!;
      expect({ number: item.number, enjeu: item.enjeu, kind: item.kind, pilots: item.pilots, title: item.title, version: item.version })
        .toEqual({ number: null, enjeu: null, kind: null, pilots: [], title: printed.title, version: 'V3' });
      expect(item.indicators).toBe(v3Figures.filter((f) => f.sheetId === item.sheetId).length);
      expect(item.milestones).toBe(0);
    }
    // The V3 infrastructure dashboard had five figures (Annexe 3); the V4 sheet 2.1 is not what V3 shows.
    expect(list.find((s) => s.sheetId === 'suivi-regional-infrastructures-numeriques')).toMatchObject({ indicators: 5, currentVersion: 'V4' });
  });

  it('?version=V3&asOf= lists the V3 content as of that day, not the V4 documents the sheets have now', async () => {
    const counters = (list: any[]) => Object.fromEntries(list.map((s) => [s.sheetId, [s.indicators, s.indicatorsReported, s.milestones, s.milestonesReached]]));
    const now = expectStatus(await app.call('GET', `/api/sheets?version=V3&roadmapId=${ROADMAP}`, { token: null }), 200, 'V3 list').body as any[];
    // Given the seeded roadmap, when V3 is listed as of a day long after V4 replaced it, then each sheet shows what it had in V3.
    const later = expectStatus(await app.call('GET', `/api/sheets?version=V3&roadmapId=${ROADMAP}&asOf=2025-12-31`, { token: null }), 200, 'V3 list as of 2025').body as any[];
    expect(counters(later)).toEqual(counters(now));
    for (const item of later) {
      expect(item.indicators).toBe(v3Figures.filter((f) => f.sheetId === item.sheetId).length);
      expect(item.milestones).toBe(0);
      expect(item.indicatorsReported).toBeLessThanOrEqual(item.indicators);
    }
    expect(later.find((s) => s.sheetId === 'suivi-regional-infrastructures-numeriques')).toMatchObject({ version: 'V3', currentVersion: 'V4', indicators: 5, indicatorsReported: 5, milestones: 0 });
    // Before the fibre figure of end 2018 was observed, V3's sheet 2.1 had none of its five figures reported but those observed by then.
    const early = expectStatus(await app.call('GET', `/api/sheets?version=V3&roadmapId=${ROADMAP}&asOf=2018-06-30`, { token: null }), 200, 'V3 list as of 2018').body as any[];
    expect(early.find((s) => s.sheetId === 'suivi-regional-infrastructures-numeriques')).toMatchObject({ indicators: 5, indicatorsReported: 0, milestones: 0 });
  });

  it('GET /api/sheets/:id?version=V3 answers the V3 sheet, linked to V4 with why it continued; without version, the V4 sheet', async () => {
    const v3 = expectStatus(await app.call('GET', '/api/sheets/datacentre?version=V3', { token: null }), 200, 'datacentre V3').body;
    const printed = sheetsV3.find((s) => s.sheetId === 'datacentre')!;
    expect(v3).toMatchObject({ version: 'V3', number: null, enjeu: null, kind: null, pilots: [], title: 'Datacentre', indicators: [], milestones: [], currentVersion: 'V4' });
    expect(v3.versions).toEqual([{ version: 'V3', number: null }, { version: 'V4', number: '3.9' }]);
    expect(v3.versionOutcome).toMatchObject({ outcome: 'carried_over', nextVersion: 'V4', explanation: printed.explanation });

    const v4 = expectStatus(await app.call('GET', '/api/sheets/datacentre', { token: null }), 200, 'datacentre').body;
    const datacentre = sheetsV4.find((s) => s.sheetId === 'datacentre')!;
    expect(v4).toMatchObject({ version: 'V4', number: '3.9', enjeu: 'performance' });
    expect(v4.milestones).toHaveLength(datacentre.milestones.length);

    const infra = expectStatus(await app.call('GET', '/api/sheets/suivi-regional-infrastructures-numeriques?version=V3', { token: null }), 200, 'infra V3').body;
    expect(infra.indicators.map((i: any) => i.indicatorId).sort()).toEqual(v3Figures.filter((f) => f.sheetId === infra.sheetId).map((f) => f.indicatorId).sort());
    expect(infra.milestones).toEqual([]);

    expect((await app.call('GET', '/api/sheets/csirt-cyberreponse?version=V3', { token: null })).status).toBe(404);
    expect((await app.call('GET', '/api/sheets/datacentre?version=3', { token: null })).status).toBe(400);
  });

  it('the V3 roll-up and assessment count what Annexe 3 says: 4 abandoned, 6 "achevés ou non reconduits", 1 without a reason, no V4 milestones', async () => {
    const rollup = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/rollup?version=V3`, { token: null }), 200, 'V3 roll-up').body;
    const rows = (Array.isArray(rollup) ? rollup : rollup.rows) as any[];
    const sum = (k: string) => rows.reduce((a, r) => a + r[k], 0);
    expect({ sheets: sum('sheets'), abandoned: sum('abandoned'), completedOrNotRenewed: sum('completedOrNotRenewed'), unstated: sum('unstated'), retired: sum('retired'), carriedOver: sum('carriedOver'), milestonesPlanned: sum('milestonesPlanned') })
      .toEqual({ sheets: 18, abandoned: 4, completedOrNotRenewed: 6, unstated: 1, retired: 0, carriedOver: 7, milestonesPlanned: 0 });
    expect(rows.map((r) => r.enjeu)).toEqual([null]);

    const a = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V3/assessment?format=json`, { token: null }), 200, 'V3 assessment').body;
    expect(a.totals).toMatchObject({ sheets: 18, abandoned: 4, completedOrNotRenewed: 6, unstated: 1, notCarriedOver: 0, carriedOver: 7, milestonesOnTime: 0, milestonesPending: 0 });
    expect(a.totals.indicatorsReported + a.totals.indicatorsNeverReported).toBe(v3Figures.length);
    expect((a.enjeux as any[]).map((e) => e.enjeuId)).toEqual([null]);
    const openBadges = (a.enjeux as any[]).flatMap((e) => e.sheets).find((s: any) => s.sheetId === 'open-badges');
    expect(openBadges).toMatchObject({ number: null, outcome: 'completed_or_not_renewed', reason: null });
    // The V3 record is Annexe 3's figures: "un peu plus de 80 %" at the end of 2022 after 44 % in 2018,
    // not Annexe 2's March 2023 figure printed in V4.
    const infra = (a.enjeux as any[]).flatMap((e) => e.sheets).find((s: any) => s.sheetId === 'suivi-regional-infrastructures-numeriques');
    expect(infra.indicators.find((i: any) => i.indicatorId === 'part-logements-raccordables')).toMatchObject({ last: { observedOn: '2022-12-31', value: 80 }, previous: { observedOn: '2018-12-31', value: 44 } });
    const md = (await app.call('GET', `/api/roadmaps/${ROADMAP}/versions/V3/assessment?format=md`)).text;
    expect(md).toContain('6 achevées ou non reconduites');
    expect(md).toContain('1 non reprises sans motif indiqué');
    expect(md).not.toMatch(/### 0 /);
  });

  it('the series export files Annexe 3 figures under V3, with no number, and Annexe 2 figures under V4 2.1', async () => {
    const rows = expectStatus(await app.call('GET', '/api/export/series.json', { token: null }), 200, 'series').body as any[];
    const raccordables = rows.filter((r) => r.sheetId === 'suivi-regional-infrastructures-numeriques' && r.indicatorId === 'part-logements-raccordables');
    expect(raccordables.filter((r) => r.version === 'V3').map((r) => [r.date, r.sheetNumber, r.enjeuId, r.value])).toEqual([
      ['2018-12-31', null, null, 44], ['2022-12-31', null, null, 80],
    ]);
    const v4 = raccordables.filter((r) => r.version !== 'V3');
    expect(v4.length).toBeGreaterThan(0);
    for (const r of v4) expect([r.date, r.version, r.sheetNumber, r.enjeuId]).toEqual(['2023-03-31', 'V4', '2.1', 'inclusion']);
    expect(rows.filter((r) => r.sheetNumber === '0')).toEqual([]);
    expect(rows.filter((r) => r.sheetId === 'offre-mutualisee-dpo').map((r) => [r.version, r.sheetNumber])).toEqual([['V3', null], ['V3', null]]);
  });

  it('the dashboard showing V3 says it in French: the ambiguous outcomes as such, V1 as a superseded draft', async () => {
    const page = (await app.call('GET', '/?version=V3', { token: null })).text;
    expect(page).toContain('achevées ou non reconduites');
    expect(page).toContain('Achevée ou non reconduite');
    expect(page).toContain('Non reprise, sans motif indiqué');
    expect(page).toContain('rédigée en 2010, remplacée');
    // A carried-over sheet listed under V3 links to the sheet as it was in V3.
    expect(page).toContain('/fiches/datacentre?version=V3');
    const v3Sheet = await app.call('GET', '/fiches/datacentre?version=V3', { token: null });
    expect(v3Sheet.status).toBe(200);
    expect(v3Sheet.text).toContain('<h1>Datacentre</h1>');
    expect(v3Sheet.text).not.toContain('Fiche 3.9');
    expect((await app.call('GET', '/fiches/datacentre', { token: null })).text).toContain('Fiche 3.9');
    const v1 = (await app.call('GET', '/?version=V1', { token: null })).text;
    expect(v1).toContain('rédigée en 2010, remplacée par V2 sans adoption connue');
  });

  // Last: it adds versions to the seeded roadmap.
  it('an admin drafts a version on a date as precise as known and ends it superseded, without an adoption', async () => {
    expectStatus(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { body: { version: 'V5', basedOn: 'V4', draftedOn: '2025', facts: 'Esquisse jamais adoptée' } }), 201, 'draft V5');
    expectStatus(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V5/supersede`, { body: { by: 'V6' } }), 201, 'supersede V5');
    const versions = expectStatus(await app.call('GET', `/api/roadmaps/${ROADMAP}`, { token: null }), 200, 'roadmap').body.versions as any[];
    expect(versions.find((v) => v.version === 'V5')).toMatchObject({ status: 'superseded', draftedOn: '2025', draftedOnFr: 'en 2025', supersededBy: 'V6', supersededOn: null, facts: 'Esquisse jamais adoptée' });
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V5/adopt`, { body: { adoptedOn: '2025' } })).status).toBe(422);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V5/supersede`, { body: { by: 'V6' } })).status).toBe(409);
    expect((await app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { body: { version: 'V6', basedOn: 'V4', draftedOn: 'en 2026' } })).status).toBe(400);
    expectStatus(await app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { body: { version: 'V6', basedOn: 'V4', draftedOn: null } }), 201, 'draft V6');
    expect((await app.call('GET', `/api/roadmaps/${ROADMAP}`, { token: null })).body.versions.find((v: any) => v.version === 'V6')).toMatchObject({ status: 'draft', draftedOn: null });
  });
});
