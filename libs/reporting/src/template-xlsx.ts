import type ExcelJS from 'exceljs';
import { loadExcel } from './load-excel.js';
import { fixZipDates } from './zip-entries.js';
import { FILLED_COLUMNS, IDS_COLUMNS, IDS_SHEET_NAME, TEMPLATE_COLUMNS, TEMPLATE_SHEET_NAME, type TemplateRow } from './template.js';

/** Fixed document dates: the same rows give the same bytes, whenever the file is made. */
const DOCUMENT_DATE = new Date(Date.UTC(2020, 0, 1));

/**
 * The template as an .xlsx workbook: the visible worksheet to fill, and a hidden one (`ids`) that
 * maps each row key to the sheet, indicator and scope it reports on, so that the filled file finds
 * its way back even after the pilot sorted or filtered the rows.
 */
export async function writeTemplateXlsx(rows: readonly TemplateRow[], options: { organisationId: string }): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = 'scoran-tracker';
  workbook.lastModifiedBy = 'scoran-tracker';
  workbook.created = DOCUMENT_DATE;
  workbook.modified = DOCUMENT_DATE;
  workbook.title = `Saisie des indicateurs — ${options.organisationId}`;

  const sheet = workbook.addWorksheet(TEMPLATE_SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = TEMPLATE_COLUMNS.map((c) => ({ key: c.key, header: c.header, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const r of rows) {
    const values: Record<string, unknown> = {};
    for (const c of TEMPLATE_COLUMNS) values[c.key] = (FILLED_COLUMNS as readonly string[]).includes(c.key) ? null : r[c.key as keyof TemplateRow];
    sheet.addRow(values);
  }
  for (const key of FILLED_COLUMNS) {
    const column = sheet.getColumn(key);
    column.eachCell({ includeEmpty: false }, (cell, rowNumber) => {
      if (rowNumber > 1) cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF7D6' } };
    });
  }

  const ids = workbook.addWorksheet(IDS_SHEET_NAME, { state: 'hidden' });
  ids.addRow([...IDS_COLUMNS]);
  for (const r of rows) ids.addRow([r.rowKey, r.sheetId, r.indicatorId, r.territory ?? '', r.zone ?? '']);

  // The zip library stamps each entry with the current time: those stamps are fixed too.
  return fixZipDates(Buffer.from(await workbook.xlsx.writeBuffer()));
}
