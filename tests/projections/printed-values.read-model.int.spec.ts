import { describe, expect, it } from '@jest/globals';
import { SheetsProjection } from '#projections';
import { projectionSpec } from '../support/projection-spec.js';
import { reported, reportedAsPrinted, sheetCreated } from '../support/sheet-events.js';

const sheets = projectionSpec({ projections: () => [new SheetsProjection()] });
const sheetsRebuilt = projectionSpec({ projections: () => [new SheetsProjection()], bulk: true });

const target = (value: number, due: string | null, territory: string | null, zone: string | null = null) =>
  ({ value, qualifier: 'exact', due, horizon: null, territory, zone, label: null });
const withTargets = (...targets: unknown[]) => sheetCreated('s', { indicators: [{ indicatorId: 'i', name: 'Prises', unit: 'percent', targets }] });

describe('sheets read model: values as printed', () => {
  for (const [name, spec] of [['live', sheets], ['rebuilt', sheetsRebuilt]] as const) {
    it(`keeps the date as printed, its first and last day, and the qualifier (${name})`, async () => {
      await spec
        .given(sheetCreated('s'))
        .when(reportedAsPrinted('s', 'r1', 44, '2018-Q4', '2018-12-31', { qualifier: 'about', territory: '24' }), reportedAsPrinted('s', 'r2', 80, '2022-late', '2022-12-31', { qualifier: 'slightly_more_than', territory: '24' }))
        .thenRows('SELECT reportId, observed, observedStart, observedEnd, observedOn, qualifier FROM indicator_reports ORDER BY position', [
          { reportId: 'r1', observed: '2018-Q4', observedStart: '2018-10-01', observedEnd: '2018-12-31', observedOn: '2018-12-31', qualifier: 'about' },
          { reportId: 'r2', observed: '2022-late', observedStart: '2022-10-01', observedEnd: '2022-12-31', observedOn: '2022-12-31', qualifier: 'slightly_more_than' },
        ]);
    });
  }

  it('a report of schema version 1 is a day, exact unless the seed wrote its qualifier into comment', async () => {
    await sheets
      .given(sheetCreated('s'))
      .when(reported('s', 'r1', 44, '2018-12-31'), { ...reported('s', 'r2', 80, '2022-12-31'), data: { ...reported('s', 'r2', 80, '2022-12-31').data, comment: 'more_than' } })
      .thenRows('SELECT reportId, observed, qualifier, comment FROM indicator_reports ORDER BY position', [
        { reportId: 'r1', observed: '2018-12-31', qualifier: 'exact', comment: null },
        { reportId: 'r2', observed: '2022-12-31', qualifier: 'more_than', comment: null },
      ]);
  });

  it('asOf keeps a value once its whole period has passed: "en 2023" is not known as of 30 June 2023', async () => {
    await sheets
      .given(sheetCreated('s'))
      .when(reportedAsPrinted('s', 'y', 120, '2023', '2023-12-31', { territory: '24' }), reportedAsPrinted('s', 'q', 100, '2023-Q1', '2023-03-31', { territory: '24' }))
      .then(({ readModels }) => {
        expect(readModels.series.series('s', 'i', { asOf: '2023-06-30' }).map((p) => [p.reportId, p.observed])).toEqual([['q', '2023-Q1']]);
        expect(readModels.series.series('s', 'i', { asOf: '2023-12-31' }).map((p) => [p.reportId, p.observed, p.qualifier])).toEqual([['q', '2023-Q1', 'exact'], ['y', '2023', 'exact']]);
        expect(readModels.series.reports({ asOf: '2023-06-30' }).map((r) => r.reportId)).toEqual(['q']);
      });
  });

  it('a value is on target against its own scope\'s target only; "un peu plus de 80 %" against 82 % is not counted on target', async () => {
    // The department's 150 % would not be met by 100: only the region's 82 % applies to a regional value.
    const targets = [target(82, '2022', '24'), target(150, '2025', '41', 'publique')];
    await sheets
      .given(withTargets(...targets))
      .when(reportedAsPrinted('s', 'r1', 80, '2022-Q4', '2022-12-31', { qualifier: 'slightly_more_than', territory: '24' }))
      .then(({ readModels, rows }) => {
        const doc = readModels.sheets.get('s')!;
        expect(doc.indicators[0]!.targets.map((t) => [t.value, t.due, t.by, t.dueFr, t.territory, t.zone])).toEqual([
          [82, '2022', '2022-12-31', 'en 2022', '24', null],
          [150, '2025', '2025-12-31', 'en 2025', '41', 'publique'],
        ]);
        expect(doc.indicators[0]!.latest).toMatchObject({ value: 80, qualifier: 'slightly_more_than', observed: '2022-Q4' });
        expect(rows('SELECT indicatorsOnTarget FROM sheet_summary')).toEqual([{ indicatorsOnTarget: 0 }]);
      });
    await sheets
      .given(withTargets(...targets))
      .when(reportedAsPrinted('s', 'r1', 100, '2024', '2024-12-31', { territory: '24' }))
      .thenRows('SELECT indicatorsOnTarget FROM sheet_summary', [{ indicatorsOnTarget: 1 }]);
  });
});
