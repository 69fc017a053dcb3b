import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { indicator, report, sheet } from '../../../tests/support/reporting-facts.js';
import { IDS_SHEET_NAME, rowKeyOf, TEMPLATE_COLUMNS, templateCsvTable, templateRows, TEMPLATE_SHEET_NAME } from './template.js';
import { writeTemplateXlsx } from './template-xlsx.js';

const facts = [
  sheet({
    indicators: [
      indicator({ reports: [report({ observedOn: '2024-03-31', value: 12 }), report({ observedOn: '2023-12-31', value: 8 }), report({ observedOn: '2024-06-30', territory: '37', zone: 'public', value: 3 })] }),
      indicator({ indicatorId: 'reuses', name: 'Réutilisations', unit: 'percent', target: null }),
    ],
  }),
  sheet({ sheetId: 'closed-sheet', number: '1.2', status: 'completed' }),
  sheet({ sheetId: 'first-sheet', number: '1.10', title: 'Première', indicators: [indicator({ indicatorId: 'i1', name: 'Un' })] }),
];

describe('the reporting template', () => {
  it('has one row per indicator and scope of the open sheets, in sheet-number order, with the latest value of each scope', () => {
    const rows = templateRows(facts);
    expect(rows.map((r) => [r.number, r.indicatorId, r.territory, r.zone, r.lastValue, r.lastObservedOn])).toEqual([
      ['1.10', 'i1', null, null, null, null],
      ['3.10', 'datasets-published', null, null, 12, '2024-03-31'],
      ['3.10', 'datasets-published', '37', 'public', 3, '2024-06-30'],
      ['3.10', 'reuses', null, null, null, null],
    ]);
    expect(rows[1]).toMatchObject({ sheetTitle: 'Défi open data', indicatorName: 'Jeux de données publiés', unit: 'nombre', territoryName: 'Région (non ventilé)', targetValue: 40, targetBy: '2025-12-31' });
    expect(rows[2]!.territoryName).toBe('37 Indre-et-Loire');
  });

  it('offers the region as a whole even when only a department was reported', () => {
    const rows = templateRows([sheet({ indicators: [indicator({ reports: [report({ observedOn: '2024-03-31', territory: '18', value: 4 })] })] })]);
    expect(rows.map((r) => [r.territory, r.lastValue])).toEqual([[null, null], ['18', 4]]);
  });

  it('keys each row by sheet, indicator and scope, the same in every download', () => {
    const [a, b] = [templateRows(facts), templateRows(facts)];
    expect(a.map((r) => r.rowKey)).toEqual(b.map((r) => r.rowKey));
    expect(new Set(a.map((r) => r.rowKey)).size).toBe(a.length);
    expect(rowKeyOf('s', 'i', '37', null)).not.toBe(rowKeyOf('s', 'i', null, null));
  });

  it('writes the same .xlsx bytes for the same rows, whenever it is written', async () => {
    const rows = templateRows(facts);
    const first = await writeTemplateXlsx(rows, { organisationId: 'org' });
    await new Promise((r) => setTimeout(r, 2100)); // zip timestamps have a 2-second resolution
    expect((await writeTemplateXlsx(rows, { organisationId: 'org' })).equals(first)).toBe(true);
  });

  it('the .xlsx has French headers, empty columns to fill, and a hidden worksheet of ids', async () => {
    const rows = templateRows(facts);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await writeTemplateXlsx(rows, { organisationId: 'org' })) as unknown as ArrayBuffer);
    const main = workbook.getWorksheet(TEMPLATE_SHEET_NAME)!;
    expect((main.getRow(1).values as unknown[]).slice(1)).toEqual(TEMPLATE_COLUMNS.map((c) => c.header));
    expect(main.getRow(3).getCell(7).value).toBe(12);
    expect([11, 12, 13, 14].map((c) => main.getRow(3).getCell(c).value)).toEqual([null, null, null, null]);
    const ids = workbook.getWorksheet(IDS_SHEET_NAME)!;
    expect(ids.state).toBe('hidden');
    expect((ids.getRow(4).values as unknown[]).slice(1)).toEqual([rows[2]!.rowKey, 'open-data-challenge', 'datasets-published', '37', 'public']);
  });

  it('the CSV table carries the ids as its last columns, and leaves the columns to fill empty', () => {
    const { columns, records } = templateCsvTable(templateRows(facts));
    expect(columns.slice(-5)).toEqual(['Réf.', 'sheetId', 'indicatorId', 'territory', 'zone']);
    expect(records[2]).toMatchObject({ sheetId: 'open-data-challenge', territory: '37', zone: 'public', Valeur: null, 'Observé le': null, 'Dernière valeur': 3 });
  });
});
