import { FILLED_COLUMNS, IDS_COLUMNS, IDS_SHEET_NAME, TEMPLATE_COLUMNS, TEMPLATE_SHEET_NAME, type TemplateRow } from './template.js';
import { writeXlsx } from './xlsx-writer.js';

/**
 * The template as an .xlsx workbook: the visible worksheet to fill (its columns to type in are
 * coloured), and a hidden one (`ids`) that maps each row key to the sheet, indicator and scope it
 * reports on, so that the filled file finds its way back even after the pilot sorted or filtered the
 * rows. The same rows give the same bytes, whenever the file is made.
 */
export async function writeTemplateXlsx(rows: readonly TemplateRow[], options: { organisationId: string }): Promise<Buffer> {
  const filled = (key: string) => (FILLED_COLUMNS as readonly string[]).includes(key);
  return writeXlsx({
    title: `Saisie des indicateurs — ${options.organisationId}`,
    creator: 'scoran-tracker',
    sheets: [
      {
        name: TEMPLATE_SHEET_NAME,
        frozenHeader: true,
        widths: TEMPLATE_COLUMNS.map((c) => c.width),
        filledColumns: TEMPLATE_COLUMNS.flatMap((c, i) => (filled(c.key) ? [i + 1] : [])),
        rows: [
          TEMPLATE_COLUMNS.map((c) => c.header),
          ...rows.map((r) => TEMPLATE_COLUMNS.map((c) => (filled(c.key) ? null : r[c.key as keyof TemplateRow]))),
        ],
      },
      {
        name: IDS_SHEET_NAME,
        hidden: true,
        rows: [[...IDS_COLUMNS], ...rows.map((r) => [r.rowKey, r.sheetId, r.indicatorId, r.territory ?? '', r.zone ?? ''])],
      },
    ],
  });
}
