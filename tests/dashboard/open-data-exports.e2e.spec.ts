import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATASETS, type DatasetName } from '../../apps/api/src/exports/open-data.columns.js';
import { createFixture, ROADMAP } from '../support/roadmap-fixture.js';
import { parseCsv } from '../support/parse-csv.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

describe('open-data exports (CSV and JSON)', () => {
  let app: RunningApp;
  const tricky = 'Région « test », dite "pilote"\net deux lignes';

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    const post = async (path: string, body: unknown) => {
      const r = await app.call('POST', path, { body });
      if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
    };
    await post('/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { value: 12, observedOn: '2023-12-31', source: tricky });
    await post('/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { value: 31, observedOn: '2024-12-31' });
    await post('/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { value: 5, observedOn: '2024-12-31', territory: '45' });
    await post('/api/sheets/csirt-cyberreponse/indicators/interventions/targets', { value: 20, by: '2024-06-30' });
    await post('/api/sheets/csirt-cyberreponse/milestones/launch/reached', { reachedOn: '2023-10-15' });
  });
  afterAll(async () => app?.close(true));

  const csv = async (dataset: DatasetName, query = '') => {
    const r = await app.call('GET', `/api/export/${dataset}.csv${query}`, { token: null });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const [header, ...rows] = parseCsv(r.text);
    expect(header).toEqual(DATASETS[dataset].map((c) => c.name));
    for (const row of rows) expect(row).toHaveLength(header!.length);
    return rows.map((row) => Object.fromEntries(header!.map((h, k) => [h, row[k]!])));
  };

  it('series: one row per indicator, territory and date, with value and the target in force; parses back', async () => {
    const rows = await csv('series');
    expect(rows).toHaveLength(3);
    expect(rows.map((r) => [r.territoryCode, r.date, r.value, r.targetValue, r.targetDate])).toEqual([
      ['24', '2023-12-31', '12', '20', '2024-06-30'],
      ['24', '2024-12-31', '31', '40', '2026-06-30'],
      ['45', '2024-12-31', '5', '', ''],
    ]);
    expect(rows[0]).toMatchObject({ roadmapId: ROADMAP, sheetId: 'csirt-cyberreponse', version: 'V4', sheetNumber: '4.13', enjeuId: 'avenir', enjeuNumber: '4', indicatorId: 'interventions', unit: 'count', territoryName: 'Centre-Val de Loire', territoryLevel: 'region', corrected: 'false' });
    expect(rows[2]).toMatchObject({ territoryName: 'Loiret', territoryLevel: 'department' });
    // Commas, quotes and a line break survive the round trip.
    expect(rows[0]!.source).toBe(tricky);
    expect((await csv('series', '?asOf=2024-01-01')).map((r) => r.date)).toEqual(['2023-12-31']);
  });

  it('JSON has the same rows with typed values, and no actor identity anywhere', async () => {
    const r = await app.call('GET', '/api/export/series.json', { token: null });
    expect(r.status).toBe(200);
    expect(r.body[1]).toMatchObject({ value: 31, targetValue: 40, targetDate: '2026-06-30', corrected: false, territoryCode: '24' });
    expect(Object.keys(r.body[0]).sort()).toEqual(DATASETS.series.map((c) => c.name).sort());
    for (const dataset of ['sheets', 'indicators', 'series'] as const) {
      const text = (await app.call('GET', `/api/export/${dataset}.csv`, { token: null })).text + JSON.stringify((await app.call('GET', `/api/export/${dataset}.json`, { token: null })).body);
      expect(text).not.toMatch(/admin:|actor|correlationId|pilot:/);
    }
  });

  it('sheets and indicators: values right for the known sheet', async () => {
    const [sheet] = await csv('sheets');
    expect(sheet).toMatchObject({ sheetId: 'csirt-cyberreponse', title: 'CSIRT cyberRéponse', status: 'active', outcome: 'active', pilots: 'pilot-org', partners: 'partner-org', indicatorCount: '2', indicatorsReported: '1', milestoneCount: '2', milestonesReached: '1', enjeuTitle: 'Enjeu d’avenir' });
    const indicators = await csv('indicators');
    expect(indicators.map((r) => [r.indicatorId, r.targetValue, r.targetDate, r.targets, r.latestValue, r.latestDate, r.reportCount, r.targetReached])).toEqual([
      ['interventions', '40', '2026-06-30', '20@2024-06-30;40@2026-06-30', '31', '2024-12-31', '3', 'false'],
      ['coverage', '', '', '', '', '', '0', ''],
    ]);
    expect(await csv('sheets', '?version=V3')).toEqual([]);
    expect((await app.call('GET', '/api/export/series.csv?asOf=2024-02-30', { token: null })).status).toBe(400);
  });

  it('every column is documented in docs/open-data.md', () => {
    const doc = readFileSync(join(process.cwd(), 'docs/open-data.md'), 'utf8');
    for (const [dataset, columns] of Object.entries(DATASETS)) {
      expect(doc).toContain(`/api/export/${dataset}.csv`);
      for (const c of columns) expect(doc).toMatch(new RegExp(`\\|\\s*\`${c.name}\`\\s*\\|`));
    }
  });
});
