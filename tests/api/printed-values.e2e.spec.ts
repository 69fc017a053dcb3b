import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { seedHook } from '#seed';
import { expectStatus } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

/*
 * The seeded server serves the roadmap's dates and figures as the document prints them: "environ
 * 44 %" stays approximate, "en 2023" stays a year, and a department's target belongs to its series.
 */
const INFRA = 'suivi-regional-infrastructures-numeriques';
const infrastructure = JSON.parse(readFileSync(new URL('../../seeds/scoran-centre-val-de-loire/infrastructure.json', import.meta.url), 'utf8')) as {
  indicators: Array<{ indicatorId: string; targets?: Array<{ value: number; territory: string; zone?: string }> }>;
};

describe('values as printed, on the seeded roadmap over HTTP', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
  });
  afterAll(() => app?.close(true));

  const series = async (indicatorId: string, query = '') =>
    expectStatus(await app.call('GET', `/api/sheets/${INFRA}/indicators/${indicatorId}/series${query}`, { token: null }), 200, `series ${indicatorId}`).body;

  it('serves "environ 44 %" with its qualifier and the quarter it was printed for, and "un peu plus de 80 %" as such', async () => {
    const points = (await series('part-logements-raccordables', '?territory=24')).points as any[];
    expect(points.find((p) => p.value === 44)).toMatchObject({ qualifier: 'about', valueFr: 'environ 44\u00a0%', observed: '2018-Q4', observedFr: 'au 4e trimestre 2018', observedOn: '2018-12-31' });
    expect(points.find((p) => p.value === 80)).toMatchObject({ qualifier: 'slightly_more_than', valueFr: 'un peu plus de 80\u00a0%', observed: '2022-Q4' });
    // Annexe 2's "T1 2023" is a quarter, not a day.
    expect(points.find((p) => p.zone === 'privee')).toMatchObject({ observed: '2023-Q1', observedFr: 'au 1er trimestre 2023' });
  });

  it('"un peu plus de 80 %" against a target of 82 % is undetermined in the assessment and the indicators export', async () => {
    const path = '/api/sheets/net-irrig/indicators';
    const added = await app.call('POST', path, { body: { indicatorId: 'part-test', name: 'Part test', unit: 'percent', targets: [{ value: 82, due: '2022', territory: '24' }] } });
    expect(added.status).toBe(201);
    const reported = await app.call('POST', `${path}/part-test/reports`, { body: { value: 80, observed: '2022-Q4', qualifier: 'slightly_more_than', territory: '24' } });
    expect(reported.status).toBe(201);
    const a = expectStatus(await app.call('GET', '/api/roadmaps/scoran-centre-val-de-loire/versions/V4/assessment', { token: null }), 200, 'V4 assessment').body;
    const assessed = (a.enjeux as any[]).flatMap((e) => e.sheets).flatMap((s: any) => s.indicators).find((i: any) => i.indicatorId === 'part-test');
    expect(assessed).toMatchObject({ last: { value: 80, qualifier: 'slightly_more_than' }, target: { value: 82, due: '2022', territory: '24' }, againstTarget: 'undetermined' });
    const sheet = expectStatus(await app.call('GET', '/api/sheets/net-irrig', { token: null }), 200, 'net-irrig').body;
    expect(sheet.indicators.find((i: any) => i.indicatorId === 'part-test').latest).toMatchObject({ value: 80, qualifier: 'slightly_more_than', observed: '2022-Q4' });
    const indicators = expectStatus(await app.call('GET', '/api/export/indicators.json?sheetId=net-irrig', { token: null }), 200, 'indicators.json').body as any[];
    expect(indicators.find((r) => r.indicatorId === 'part-test')).toMatchObject({ targetValue: 82, targetDue: '2022', latestObserved: '2022-Q4', latestQualifier: 'slightly_more_than', targetReached: null });
  });

  it('keeps "en 2023" a year: Net-Irrig\'s "refonte en 2023", stated on 26 June 2023, and a report observed "en 2023"', async () => {
    const netIrrig = expectStatus(await app.call('GET', '/api/sheets/net-irrig', { token: null }), 200, 'net-irrig').body;
    expect(netIrrig.milestones.find((m: any) => m.milestoneId === 'refonte-2023')).toMatchObject({ reached: '2023', statedOn: '2023-06-26', reachedOn: '2023-06-26' });
    const posted = await app.call('POST', `/api/sheets/${INFRA}/indicators/pylones-new-deal/reports`, { body: { value: 120, observed: '2023', territory: '24', qualifier: 'more_than' } });
    expect(posted.status).toBe(201);
    const point = ((await series('pylones-new-deal')).points as any[]).find((p) => p.value === 120);
    expect(point).toMatchObject({ observed: '2023', observedFr: 'en 2023', observedOn: '2023-12-31', qualifier: 'more_than', valueFr: 'plus de 120' });
    // Valid time: a value "en 2023" is not known as of 30 June 2023, only once the year is over.
    expect(((await series('pylones-new-deal', '?asOf=2023-06-30')).points as any[]).some((p) => p.value === 120)).toBe(false);
    expect(((await series('pylones-new-deal', '?asOf=2023-12-31')).points as any[]).some((p) => p.value === 120)).toBe(true);
    const bad = await app.call('POST', `/api/sheets/${INFRA}/indicators/pylones-new-deal/reports`, { body: { value: 1, observed: 'en 2023' } });
    expect(bad.status).toBe(400);
  });

  it('keeps every target of the fibre table, each with its department and zone; a department\'s series shows its own targets only', async () => {
    const sheet = expectStatus(await app.call('GET', `/api/sheets/${INFRA}`, { token: null }), 200, 'infrastructure sheet').body;
    const targets = sheet.indicators.find((i: any) => i.indicatorId === 'part-logements-raccordables').targets as any[];
    const seeded = infrastructure.indicators.find((i) => i.indicatorId === 'part-logements-raccordables')!.targets!;
    // The 22 "100 %" targets, one per department and zone, are all there (no longer merged into one), beside V3's 82 %.
    expect(targets.filter((t) => t.value === 100)).toHaveLength(seeded.length);
    expect(targets.find((t) => t.territory === '28' && t.zone === 'amel')).toMatchObject({ value: 100, due: '2025', dueFr: 'en 2025', qualifier: 'exact' });
    const loirEtCher = await series('prises-ftth-construites', '?territory=41');
    expect(loirEtCher.targets.length).toBeGreaterThan(0);
    expect(loirEtCher.targets.every((t: any) => t.territory === '41')).toBe(true);
    expect(loirEtCher.targets.find((t: any) => t.zone === 'publique')).toMatchObject({ value: 139152, due: '2025' });
  });

  it('the series export pairs each row with the target of its own territory and zone', async () => {
    const rows = expectStatus(await app.call('GET', `/api/export/series.json?sheetId=${INFRA}`, { token: null }), 200, 'series.json').body as any[];
    const built = rows.filter((r) => r.indicatorId === 'prises-ftth-construites');
    expect(built.find((r) => r.territoryCode === '41' && r.zone === 'publique')).toMatchObject({ value: 106707, targetValue: 139152, targetDue: '2025', observed: '2023-Q1', observedFr: 'au 1er trimestre 2023', qualifier: 'exact' });
    expect(built.find((r) => r.territoryCode === '24' && r.zone === 'publique')).toMatchObject({ value: 711195, targetValue: 894989 });
    expect(built.find((r) => r.territoryCode === '28' && r.zone === 'amel')).toMatchObject({ value: 64055, targetValue: 70013 });
    const share = rows.find((r) => r.indicatorId === 'part-logements-raccordables' && r.value === 44);
    expect(share).toMatchObject({ qualifier: 'about', valueFr: 'environ 44\u00a0%', observed: '2018-Q4', date: '2018-12-31' });
  });
  it('serves each milestone due date as printed: uncertain, open-ended, "fin 2023" as a range start, "à 3 ans" with no day', async () => {
    const milestone = async (sheetId: string, milestoneId: string) =>
      (expectStatus(await app.call('GET', `/api/sheets/${sheetId}`, { token: null }), 200, sheetId).body.milestones as any[]).find((m) => m.milestoneId === milestoneId);
    expect(await milestone(INFRA, 'crsn-infrastructures-2023')).toMatchObject({ due: '2023-Q4', uncertain: true, dueFr: 'au 4e trimestre 2023 ?' });
    expect(await milestone('inclusion-numerique', 'renforcer-animation')).toMatchObject({ due: '2024/..', dueFr: 'à partir de 2024' });
    expect(await milestone('datacentre', 'suite-migrations-ouverture')).toMatchObject({ due: '2024/..', dueFr: 'à partir de 2024' });
    expect(await milestone('territoires-durables-connectes', 'evenements-structurants')).toMatchObject({ due: '2024/..', dueFr: 'à partir de 2024' });
    // "Après 2023" names 2023: it is not served as "from 2024".
    expect(await milestone('junon', 'apres-2023')).toMatchObject({ due: '>2023/..', dueFr: 'après 2023' });
    expect(await milestone('valise-one', 'promotion-offre')).toMatchObject({ due: '2023-late/2024', dueFr: 'de fin 2023 à 2024' });
    for (const id of ['extension-france-entiere', 'application-web-de-reference']) {
      expect(await milestone('net-irrig', id)).toMatchObject({ due: null, horizon: { duration: 'P3Y', from: '2023-06-26', printed: 'à 3 ans' }, dueFr: 'à 3 ans' });
    }
  });

  it('serves the mobile figures printed twice as two statements: "31/12/2022" (Annexe 2) and "fin 2022" (Annexe 3)', async () => {
    for (const indicatorId of ['pylones-new-deal', 'sites-dcc-arbitres']) {
      const points = ((await series(indicatorId)).points as any[]).filter((p) => p.observedOn === '2022-12-31');
      expect(points.map((p) => [p.observed, p.observedFr]).sort()).toEqual([['2022-12-31', 'le 31 décembre 2022'], ['2022-late', 'fin 2022']]);
      expect(new Set(points.map((p) => p.value)).size).toBe(1);
      expect(new Set(points.map((p) => p.reportId)).size).toBe(2);
    }
  });

  it('starts the V3 assessment in March 2019 as printed, and says it had about 30 sheets of which 18 are recorded and counted', async () => {
    const a = expectStatus(await app.call('GET', '/api/roadmaps/scoran-centre-val-de-loire/versions/V3/assessment?format=json', { token: null }), 200, 'V3 assessment').body;
    expect(a.period).toMatchObject({ start: '2019-03', end: '2023-06-25' });
    expect(a.sheetCount).toEqual({ printed: { value: 30, qualifier: 'about' }, recorded: 18, countsOver: 'recorded' });
    expect(a.totals.sheets).toBe(18);
    const md = expectStatus(await app.call('GET', '/api/roadmaps/scoran-centre-val-de-loire/versions/V3/assessment?format=md', { token: null }), 200, 'V3 md').text;
    expect(md).toContain('Les sources annoncent environ 30 fiches ; 18 sont recensées, et les chiffres qui suivent portent sur elles.');
    // Net-Irrig's "refonte en 2023" was reached with no due date: in the V4 assessment it is neither on time nor late;
    // the open-ended due dates are never late, even assessed in 2030.
    const v4 = expectStatus(await app.call('GET', '/api/roadmaps/scoran-centre-val-de-loire/versions/V4/assessment?format=json&until=2030-12-31', { token: null }), 200, 'V4 assessment').body;
    const milestones = (v4.enjeux as any[]).flatMap((e) => e.sheets).flatMap((s: any) => s.milestones);
    expect(milestones.find((m: any) => m.milestoneId === 'refonte-2023')).toMatchObject({ due: null, status: 'no_due' });
    for (const id of ['renforcer-animation', 'suite-migrations-ouverture', 'evenements-structurants', 'apres-2023']) {
      expect([id, milestones.find((m: any) => m.milestoneId === id).status]).toEqual([id, 'pending']);
    }
  });

  it('prints the assessment documents with the dates and qualifiers of the sources: no day they do not give', async () => {
    const md = async (version: string) => expectStatus(await app.call('GET', `/api/roadmaps/scoran-centre-val-de-loire/versions/${version}/assessment?format=md`, { token: null }), 200, version);
    const v3 = (await md('V3')).text.replace(/[\u202f\u00a0]/g, ' ');
    const v4 = (await md('V4')).text.replace(/[\u202f\u00a0]/g, ' ');
    expect(v3).toContain('Période : de l’adoption, en mars 2019, au 25 juin 2023 (veille de l’adoption de V4).');
    // Annexe 2 prints "T1 2023"; fiche 2.1 plans its CRSN "au quatrième trimestre ?".
    expect(v4).toMatch(/Prises FttH construites \(cible : prises prévues\) \\\[privee\\\] : 626073 au 1er trimestre 2023/);
    expect(v4).toContain('« Organisation d\'une CRSN Infrastructures au quatrième trimestre » (échéance au 4e trimestre 2023 ?)');
    expect(v4).toContain('(échéance après 2023)');
    expect(v4).toContain('(échéance à 3 ans)');
    expect(v4).not.toMatch(/ au \d{4}-\d{2}-\d{2}/);
  });
});
