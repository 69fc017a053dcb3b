import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createHistoryRoadmap, createInfrastructureSheet, expectStatus, HISTORY_ROADMAP, INFRA } from '../support/roadmap-fixture.js';
import { seedHook } from '#seed';

const latestOf = (doc: any, indicatorId: string) => doc.indicators.find((i: any) => i.indicatorId === indicatorId);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('time travel on the infrastructure sheet (scenario built through the API)', () => {
  let app: RunningApp;
  let reportId: string;
  let beforeReports: string;
  let beforeCorrection: string;

  beforeAll(async () => {
    app = await startTestApp();
    await createHistoryRoadmap(app);
    beforeReports = new Date().toISOString();
    await pause(5);
    ({ reportIds: { q1_2023: reportId! } } = await createInfrastructureSheet(app));
    await pause(5);
    beforeCorrection = new Date().toISOString();
    await pause(5);
    expectStatus(await app.call('POST', `/api/sheets/${INFRA}/indicators/part-logements-raccordables/reports/${reportId}/corrections`, {
      body: { value: 84.5, reason: 'ARCEP a révisé le chiffre du 1er trimestre 2023' },
    }), 201, 'correction');
  });
  afterAll(() => app?.close(true));

  it('shows the end of 2022 as of 2022-12-31 and the first quarter of 2023 as of 2023-03-31', async () => {
    const end2022 = (await app.call('GET', `/api/sheets/${INFRA}?asOf=2022-12-31`)).body;
    const q1 = (await app.call('GET', `/api/sheets/${INFRA}?asOf=2023-03-31`)).body;
    expect(latestOf(end2022, 'part-logements-raccordables').latest).toMatchObject({ value: 80, observedOn: '2022-12-31' });
    expect(latestOf(end2022, 'prises-ftth-construites')).toMatchObject({ latest: null, reportCount: 0 });
    expect(latestOf(end2022, 'sites-dcc-arbitres').latest).toMatchObject({ value: 170 });
    expect(latestOf(q1, 'part-logements-raccordables').latest).toMatchObject({ value: 84.5, observedOn: '2023-03-31' });
    expect(latestOf(q1, 'prises-ftth-construites').latest).toMatchObject({ value: 1337268 });
    expect(end2022.asOf).toBe('2022-12-31');
  });

  it('hides a correction from a knownAt before it, and shows it after', async () => {
    const known = (await app.call('GET', `/api/sheets/${INFRA}?knownAt=${beforeCorrection}`)).body;
    const now = (await app.call('GET', `/api/sheets/${INFRA}`)).body;
    expect(latestOf(known, 'part-logements-raccordables').latest.value).toBe(85);
    expect(latestOf(now, 'part-logements-raccordables').latest.value).toBe(84.5);
    const seriesThen = (await app.call('GET', `/api/sheets/${INFRA}/indicators/part-logements-raccordables/series?knownAt=${beforeCorrection}`)).body;
    const seriesNow = (await app.call('GET', `/api/sheets/${INFRA}/indicators/part-logements-raccordables/series`)).body;
    expect(seriesThen.points.find((p: any) => p.reportId === reportId)).toMatchObject({ value: 85, corrected: false });
    expect(seriesNow.points.find((p: any) => p.reportId === reportId)).toMatchObject({ value: 84.5, corrected: true });
  });

  it('keeps the original report and the correction, with its reason, in the history', async () => {
    const history = (await app.call('GET', `/api/sheets/${INFRA}/history`)).body.events as any[];
    const original = history.find((e) => e.type === 'IndicatorReported' && e.data.reportId === reportId);
    const correction = history.find((e) => e.type === 'IndicatorReportCorrected');
    expect(original.data.value).toBe(85);
    expect(correction.data).toMatchObject({ reportId, value: 84.5, reason: 'ARCEP a révisé le chiffre du 1er trimestre 2023' });
    expect(correction.changes).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'indicators.part-logements-raccordables.latest' })]));
  });

  it('refuses a correction without a reason, and one that changes nothing', async () => {
    const path = `/api/sheets/${INFRA}/indicators/part-logements-raccordables/reports/${reportId}/corrections`;
    expect((await app.call('POST', path, { body: { value: 80 } })).status).toBe(400);
    expect((await app.call('POST', path, { body: { value: 84.5, reason: 'same again' } })).status).toBe(422);
  });

  it('rolls the enjeu up as it stood and as it was known', async () => {
    const rollup = async (q: string) => ((await app.call('GET', `/api/roadmaps/${HISTORY_ROADMAP}/rollup?version=V3${q}`)).body as any[]).find((r) => r.enjeu === 'inclusion');
    const end2022 = await rollup('&asOf=2022-12-31');
    const q1 = await rollup('&asOf=2023-03-31');
    expect(end2022).toMatchObject({ sheets: 1, indicators: 3, indicatorsReported: 2, indicatorsOnTarget: 0 });
    expect(q1).toMatchObject({ sheets: 1, indicators: 3, indicatorsReported: 3, indicatorsOnTarget: 1 });
    expect(await rollup(`&knownAt=${beforeReports}`)).toBeUndefined();
    expect(await rollup(`&knownAt=${beforeCorrection}&asOf=2022-12-31`)).toMatchObject({ indicatorsReported: 2 });
  });

  it('folds to the same roll-up as the read model when nothing is filtered out', async () => {
    const projected = (await app.call('GET', `/api/roadmaps/${HISTORY_ROADMAP}/rollup`)).body;
    const folded = (await app.call('GET', `/api/roadmaps/${HISTORY_ROADMAP}/rollup?knownAt=2999-01-01T00:00:00Z`)).body;
    expect(folded).toEqual(projected);
  });

  it('rejects a malformed asOf or knownAt', async () => {
    expect((await app.call('GET', `/api/roadmaps/${HISTORY_ROADMAP}/rollup?asOf=2023-02-30`)).status).toBe(400);
    expect((await app.call('GET', `/api/roadmaps/${HISTORY_ROADMAP}/rollup?knownAt=yesterday`)).status).toBe(400);
  });
});

describe('time travel on the seeded infrastructure sheet', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ hooks: [seedHook] });
  });
  afterAll(() => app?.close(true));

  it('has no first-quarter-2023 fibre figures as of 2022-12-31, and has them as of 2023-03-31', async () => {
    const end2022 = expectStatus(await app.call('GET', `/api/sheets/${INFRA}?asOf=2022-12-31`), 200, 'sheet asOf 2022').body;
    const q1 = expectStatus(await app.call('GET', `/api/sheets/${INFRA}?asOf=2023-03-31`), 200, 'sheet asOf 2023-Q1').body;
    expect(latestOf(end2022, 'prises-ftth-construites').reportCount).toBe(0);
    expect(latestOf(q1, 'prises-ftth-construites').reportCount).toBeGreaterThan(0);
    for (const ind of end2022.indicators) if (ind.latest) expect(ind.latest.observedOn <= '2022-12-31').toBe(true);
    expect(latestOf(end2022, 'sites-dcc-arbitres').reportCount).toBeGreaterThan(0);
  });
});
