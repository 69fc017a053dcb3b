import { describe, expect, it } from '@jest/globals';
import { SheetsProjection } from '#projections';
import { projectionSpec } from '../support/projection-spec.js';
import { carriedOver, corrected, milestoneReached, reported, sheetCreated } from '../support/sheet-events.js';

const sheets = projectionSpec({ projections: () => [new SheetsProjection()] });
const sheetsRebuilt = projectionSpec({ projections: () => [new SheetsProjection()], bulk: true });

const T0 = '2024-01-01T00:00:00.000Z';
const T1 = '2024-02-01T00:00:00.000Z';
const T2 = '2024-03-01T00:00:00.000Z';

describe('sheets read model', () => {
  it('shows a correction in the series, keeps the original value as known before it', async () => {
    await sheets
      .given(sheetCreated('s'), reported('s', 'r1', 10, '2023-03-31', { recordedAt: T0 }), reported('s', 'r2', 12, '2023-06-30', { recordedAt: T0 }))
      .when(corrected('s', 'r1', 11, '2023-04-30', T1))
      .then(({ readModels }) => {
        expect(readModels.series.series('s', 'i').map((p) => [p.reportId, p.observedOn, p.value, p.corrected])).toEqual([
          ['r1', '2023-04-30', 11, true],
          ['r2', '2023-06-30', 12, false],
        ]);
        expect(readModels.series.series('s', 'i', { knownAt: T0 }).map((p) => [p.reportId, p.observedOn, p.value, p.corrected])).toEqual([
          ['r1', '2023-03-31', 10, false],
          ['r2', '2023-06-30', 12, false],
        ]);
        expect(readModels.series.series('s', 'i', { asOf: '2023-05-31' }).map((p) => p.reportId)).toEqual(['r1']);
      });
  });

  it('keeps the original figure and date beside the corrected ones', async () => {
    await sheets
      .given(sheetCreated('s'), reported('s', 'r1', 10, '2023-03-31'))
      .when(corrected('s', 'r1', 11, '2023-04-30'))
      .thenRows('SELECT reportId, value, observedOn, originalValue, originalObservedOn FROM indicator_reports', [
        { reportId: 'r1', value: 11, observedOn: '2023-04-30', originalValue: 10, originalObservedOn: '2023-03-31' },
      ]);
  });

  it('recomputes the latest value when a correction in a later batch moves the latest report back in time', async () => {
    await sheets
      .given(sheetCreated('s'), reported('s', 'r1', 10, '2023-03-31'), reported('s', 'r2', 12, '2023-06-30'))
      .when(corrected('s', 'r2', 12, '2023-01-15'))
      .then(({ readModels }) => {
        expect(readModels.sheets.get('s')!.indicators[0]!.latest).toEqual({ reportId: 'r1', value: 10, qualifier: 'exact', observed: '2023-03-31', observedOn: '2023-03-31', territory: null, zone: null });
      });
  });

  it('builds the same rows live and in a rebuild', async () => {
    const given = [sheetCreated('s'), reported('s', 'r1', 10, '2023-03-31'), reported('s', 'r2', 12, '2023-06-30', { territory: '37' }), milestoneReached('s', '2023-05-02')];
    const when = [corrected('s', 'r1', 9, '2023-07-31'), carriedOver('s', 'V4', 'V5', { number: '4.2' })];
    const dump = (rows: (sql: string) => unknown[]) => ['sheet_summary', 'sheet_versions', 'indicator_reports', 'indicator_report_corrections']
      .map((t) => rows(`SELECT * FROM ${t} ORDER BY 1, 2, 3`));
    let live: unknown[] = [];
    await sheets.given(...given).when(...when).then(({ rows }) => { live = dump(rows); });
    await sheetsRebuilt.given(...given).when(...when).then(({ rows }) => expect(dump(rows)).toEqual(live));
    expect(live.flat().length).toBeGreaterThan(5);
  });

  it('lists a version with the sheet as it was there and how it ended', async () => {
    await sheets
      .given(sheetCreated('s', { version: 'V3', number: '3.7' }), sheetCreated('t', { number: '4.10' }))
      .when(carriedOver('s', 'V3', 'V4', { number: '4.2' }))
      .then(({ readModels }) => {
        expect(readModels.sheets.list({ version: 'V3' }).map((s) => [s.sheetId, s.number, s.currentVersion, s.outcome?.outcome, s.outcome?.nextVersion]))
          .toEqual([['s', '3.7', 'V4', 'carried_over', 'V4']]);
        // Number order, not text order: 4.2 before 4.10.
        expect(readModels.sheets.list({ version: 'V4' }).map((s) => [s.sheetId, s.number, s.outcome?.outcome])).toEqual([['s', '4.2', 'active'], ['t', '4.10', 'active']]);
        expect(readModels.sheets.members({ roadmapId: 'r', version: 'V3' }).map((m) => [m.sheetId, m.nextNumber])).toEqual([['s', '4.2']]);
      });
  });

  it('answers asOf from the log: facts after the day are left out', async () => {
    await sheets
      .given(sheetCreated('s'), reported('s', 'r1', 10, '2023-03-31'))
      .when(reported('s', 'r2', 12, '2023-06-30'), milestoneReached('s', '2023-05-02'))
      .then(async ({ readModels }) => {
        const before = await readModels.sheets.at('s', { asOf: '2023-04-30' });
        expect(before!.indicators[0]!.latest?.reportId).toBe('r1');
        expect(before!.milestones[0]!.reachedOn).toBeNull();
        expect(await readModels.sheets.at('s', {})).toEqual(readModels.sheets.get('s'));
        expect(await readModels.sheets.at('nope', { asOf: '2023-04-30' })).toBeNull();
      });
  });
});
