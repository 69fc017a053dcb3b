import { isTerritory, TEXT_LIMITS } from '#domain';
import { dateToDay, excelSerialToDay, parseDayText, parseDecimalText, parseQualifier, type Qualifier } from './cell-values.js';
import { CSV_ID_COLUMNS, IDS_SHEET_NAME, TEMPLATE_COLUMNS, TEMPLATE_SHEET_NAME } from './template.js';
import { CsvMalformed, parseCsv } from './csv-reader.js';
import { checkZip, DEFAULT_ZIP_LIMITS, ZipEntryRefused, type ZipLimits, type ZipProblem } from './zip-guard.js';
import { NotAZip, zipEntries, type ZipEntry } from './zip-entries.js';
import { columnLetter, readXlsx as readXlsxCells, XlsxUnreadable, type XlsxRow, type XlsxValue, type XlsxWorkbook, type XlsxWorksheet } from './xlsx-reader.js';

export interface ImportLimits {
  /** Data rows (the header excluded) a file may hold. */
  maxRows: number;
  zip: ZipLimits;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { maxRows: 20_000, zip: DEFAULT_ZIP_LIMITS };

/**
 * The whole file is refused: nothing of it is read further, nothing is written. `status` is the
 * HTTP answer it calls for (415 not a spreadsheet, 413 too big, 422 unusable as a template).
 */
export class ReportFileRefused extends Error {
  constructor(
    readonly status: 400 | 413 | 415 | 422,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ReportFileRefused';
  }
}

/** A row of the file that carries a report to decide. */
export interface ParsedReport {
  row: number;
  rowKey: string;
  sheetId: string;
  indicatorId: string;
  territory: string | null;
  zone: string | null;
  value: number;
  observedOn: string;
  qualifier: Qualifier | null;
  comment: string | null;
}

/** A row the file itself makes unusable: the column named is the first cell found wrong. */
export interface RefusedRow {
  row: number;
  rowKey: string | null;
  column: string | null;
  columnName: string | null;
  code: string;
  message: string;
}

export interface ParsedFile {
  format: 'xlsx' | 'csv';
  reports: ParsedReport[];
  refused: RefusedRow[];
  /** Rows with nothing filled in (a template row the pilot did not report on, or a blank line). */
  emptyRows: number[];
  /** Columns the template does not have: not read. */
  ignoredColumns: Array<{ column: string; header: string }>;
  /** Header → column letter, as the file has them (a pilot may have moved columns). */
  columns: Record<string, string>;
}

/** A cell of either format, as the xlsx reader gives it (a CSV cell is text, a formula or empty). */
type Cell = XlsxValue;

interface GridRow {
  number: number;
  hidden: boolean;
  cells: (column: number) => Cell;
}

/** Both formats read into this shape, so that one set of rules applies to both. */
interface Grid {
  format: 'xlsx' | 'csv';
  headers: Map<number, string>;
  rows: GridRow[];
  date1904: boolean;
  /** Row key → ids, from the hidden worksheet (xlsx); null when the ids are columns (csv). */
  ids: Map<string, { sheetId: string; indicatorId: string; territory: string | null; zone: string | null }> | null;
}

const ZIP_MESSAGES: Record<ZipProblem['code'], (p: any, l: ZipLimits) => string> = {
  too_many_entries: (p, l) => `the file holds ${p.entries} zip entries; at most ${l.maxEntries} are accepted`,
  uncompressed_too_large: (p, l) => `the file would inflate to ${p.bytes} bytes; at most ${l.maxUncompressedBytes} are accepted`,
  compression_ratio: (p, l) => `zip entry ${p.entry} is compressed ${p.ratio} times; at most ${l.maxCompressionRatio} is accepted`,
  size_mismatch: (p) => `zip entry ${p.entry} does not inflate to the size it declares`,
  unsupported_compression: (p) => `zip entry ${p.entry} uses a compression method other than deflate`,
  corrupt: (p) => `zip entry ${p.entry} is corrupt`,
};

export { columnLetter } from './xlsx-reader.js';

const isZip = (b: Buffer) => b.length >= 4 && b.readUInt32LE(0) === 0x04034b50;
const isOle2 = (b: Buffer) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));

/**
 * Reads a filled template, .xlsx or .csv (told apart by their bytes, not by their name), into the
 * reports it carries and the rows it refuses. Refuses the whole file for what makes it unreadable
 * or unsafe (ReportFileRefused); refuses single rows for what is wrong in them.
 *
 * Decisions a pilot should know:
 * - a formula is refused (its row, naming the column): the tracker records what was observed, not a
 *   computation whose inputs it does not have; type the value instead;
 * - merged cells refuse the file: which row a merged value belongs to is a guess;
 * - a hidden row that holds a value is refused (its row), not imported: nothing the pilot cannot
 *   see in the file is written; an empty hidden row is an empty row;
 * - rows with nothing filled are skipped and listed; columns the template lacks are ignored and listed.
 */
export async function parseReportFile(bytes: Buffer, limits: ImportLimits = DEFAULT_IMPORT_LIMITS, options: ParseOptions = {}): Promise<ParsedFile> {
  if (bytes.length === 0) throw new ReportFileRefused(400, 'empty_file', 'the file is empty');
  // Each reader refuses a file of too many rows itself, before the rows are built or handed on.
  return isZip(bytes) ? readXlsx(bytes, limits, options) : readRows(await readCsv(bytes, limits));
}

export interface ParseOptions {
  /**
   * Reads the worksheet whole before its rows, as for a file whose rows are out of order (the
   * same result, more memory): for comparing the two ways.
   */
  rowsAtOnce?: boolean;
}

/** The worksheet's rows are not in ascending order: they are read again, whole, then sorted. */
class RowsOutOfOrder extends Error {}

function refuseTooManyRows(dataRows: number, limits: ImportLimits): void {
  if (dataRows > limits.maxRows) {
    throw new ReportFileRefused(413, 'too_many_rows', `the file holds ${dataRows} rows; at most ${limits.maxRows} are accepted`, { rows: dataRows, maxRows: limits.maxRows });
  }
}

function zipRefusal(problem: ZipProblem, limits: ImportLimits): ReportFileRefused {
  const status = problem.code === 'corrupt' || problem.code === 'unsupported_compression' ? 415 : 413;
  return new ReportFileRefused(status, status === 413 ? 'zip_bomb' : 'not_a_spreadsheet', ZIP_MESSAGES[problem.code](problem, limits.zip), { ...problem, reason: problem.code });
}

async function readXlsx(bytes: Buffer, limits: ImportLimits, options: ParseOptions): Promise<ParsedFile> {
  let problem: ZipProblem | null;
  let entries: ZipEntry[];
  try {
    entries = zipEntries(bytes);
    problem = checkZip(bytes, limits.zip, entries);
    if (!problem && !entries.some((e) => e.name === 'xl/workbook.xml')) {
      throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the file is a zip archive but not an .xlsx workbook (an .ods or .docx is not accepted)');
    }
  } catch (error) {
    if (error instanceof NotAZip) throw new ReportFileRefused(415, 'not_a_spreadsheet', `the file is not a readable .xlsx: ${error.message}`);
    throw error;
  }
  if (problem) throw zipRefusal(problem, limits);
  const cells = <T>(read: () => T): T => {
    try {
      return read();
    } catch (error) {
      if (error instanceof ZipEntryRefused) throw zipRefusal(error.problem, limits);
      if (!(error instanceof XlsxUnreadable)) throw error;
      throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the file is a zip archive but not a readable .xlsx workbook (an .ods or .docx is not accepted)');
    }
  };
  if (!options.rowsAtOnce) {
    try {
      return cells(() => streamXlsx(bytes, entries, limits));
    } catch (error) {
      if (!(error instanceof RowsOutOfOrder)) throw error;
    }
  }
  const workbook: XlsxWorkbook = cells(() => readXlsxCells(bytes, entries));
  const { sheet, idsSheet } = refuseWorkbook(templateSheetOf(workbook.worksheets), workbook.worksheets);
  const headers = headersOf(sheet.rows.get(1));
  const rows: GridRow[] = [];
  // Trailing rows that only carry a format are not rows of data. A loop, not Math.max(...rows): a
  // spread of a few hundred thousand rows overflows the call stack.
  let last = 1;
  for (const r of sheet.rows.values()) if (r.cells.size > 0 && r.number > last) last = r.number;
  // Refused before a row is built: a single cell can name row 999 999 999.
  refuseTooManyRows(last - 1, limits);
  for (let n = 2; n <= last; n++) {
    const row = sheet.rows.get(n);
    rows.push(row ? gridRow(row) : emptyRow(n));
  }
  return readRows({ format: 'xlsx', headers, rows, date1904: workbook.date1904, ids: idsOf(idsSheet) });
}

/**
 * The template's worksheet read row by row, each row's rules applied as it is read (xlsx-reader's
 * XlsxRowStream): the rows are not kept, only what the file gives. The result and the refusals are
 * those of reading it whole, in the same order (the whole file's refusals first: the worksheet,
 * merged cells, the ids, too many rows, the columns); a worksheet whose rows are out of order throws
 * RowsOutOfOrder, and is read whole.
 */
function streamXlsx(bytes: Buffer, entries: readonly ZipEntry[], limits: ImportLimits): ParsedFile {
  let ids: NonNullable<Grid['ids']> = new Map();
  let headers: Map<number, string> = new Map();
  let date1904 = false;
  let rules: RowRules | null = null;
  let columnsRefused: ReportFileRefused | null = null;
  /** The last row number read, the last one handed to the rules, the last one with a cell. */
  let previous = 0;
  let handed = 1;
  let last = 1;
  const begin = (): RowRules | null => {
    if (rules || columnsRefused) return rules;
    try {
      rules = new RowRules('xlsx', headers, ids, date1904);
    } catch (error) {
      if (!(error instanceof ReportFileRefused)) throw error;
      columnsRefused = error;
    }
    return rules;
  };
  const workbook = readXlsxCells(bytes, entries, {
    choose: (sheets) => templateSheetOf(sheets)?.name,
    start: (others, d1904) => {
      date1904 = d1904;
      const idsSheet = others.find((w) => w.name === IDS_SHEET_NAME);
      if (idsSheet) ids = idsOf(idsSheet);
      return (row) => {
        if (row.number <= previous) throw new RowsOutOfOrder();
        previous = row.number;
        if (row.number === 1) { headers = headersOf(row); return; }
        // Rows without a cell (a format only) are rows only if a row with a cell follows.
        if (row.cells.size === 0) return;
        last = row.number;
        // Refused at the end, with the last row's number; nothing is built for the rows between.
        if (last - 1 > limits.maxRows) return;
        const to = begin();
        if (!to) return;
        for (let n = handed + 1; n < row.number; n++) to.add(emptyRow(n));
        to.add(gridRow(row));
        handed = row.number;
      };
    },
  });
  refuseWorkbook(templateSheetOf(workbook.worksheets), workbook.worksheets);
  refuseTooManyRows(last - 1, limits);
  const done = begin();
  if (!done) throw columnsRefused!;
  return done.out;
}

/** The worksheet to read: the template's, else the first visible one that is not the ids'. */
function templateSheetOf<T extends { name: string; state: XlsxWorksheet['state'] }>(sheets: readonly T[]): T | undefined {
  return sheets.find((w) => w.name === TEMPLATE_SHEET_NAME) ?? sheets.find((w) => w.state === 'visible' && w.name !== IDS_SHEET_NAME);
}

/** What refuses the whole workbook, whatever its rows: no worksheet to read, merged cells, the ids lost. */
function refuseWorkbook(sheet: XlsxWorksheet | undefined, worksheets: readonly XlsxWorksheet[]): { sheet: XlsxWorksheet; idsSheet: XlsxWorksheet } {
  if (!sheet) throw new ReportFileRefused(422, 'missing_worksheet', `the workbook has no worksheet "${TEMPLATE_SHEET_NAME}"`);
  if (sheet.merges.length) {
    const ranges = sheet.merges;
    throw new ReportFileRefused(422, 'merged_cells', `merged cells are not accepted (${ranges.slice(0, 10).join(', ')}): unmerge them so that each value has its own row`, { ranges });
  }
  const idsSheet = worksheets.find((w) => w.name === IDS_SHEET_NAME);
  if (!idsSheet) throw new ReportFileRefused(422, 'missing_ids', `the workbook lost its hidden worksheet "${IDS_SHEET_NAME}": download a new template`);
  return { sheet, idsSheet };
}

function idsOf(idsSheet: XlsxWorksheet): NonNullable<Grid['ids']> {
  const ids: NonNullable<Grid['ids']> = new Map();
  for (const row of [...idsSheet.rows.values()].sort((a, b) => a.number - b.number)) {
    if (row.number === 1) continue;
    const text = (k: number) => cellText(row.cells.get(k));
    const key = text(1);
    if (key) ids.set(key, { sheetId: text(2), indicatorId: text(3), territory: text(4) || null, zone: text(5) || null });
  }
  return ids;
}

function headersOf(row: XlsxRow | undefined): Map<number, string> {
  const headers = new Map<number, string>();
  for (const [col, value] of row?.cells ?? []) {
    const h = cellText(value);
    if (h) headers.set(col, h);
  }
  return headers;
}

const gridRow = (row: XlsxRow): GridRow => ({ number: row.number, hidden: row.hidden, cells: (col) => cellOf(row.cells.get(col)) });
const emptyRow = (number: number): GridRow => ({ number, hidden: false, cells: () => EMPTY_CELL });
const EMPTY_CELL: Cell = { kind: 'empty' };

/** A header's or an id's text: a text trimmed, a number as written, anything else nothing. */
function cellText(value: XlsxValue | undefined): string {
  return value?.kind === 'text' ? value.text.trim() : value?.kind === 'number' ? String(value.value) : '';
}

/** A text of spaces is an empty cell. */
function cellOf(value: XlsxValue | undefined): Cell {
  if (value === undefined || (value.kind === 'text' && value.text.trim() === '')) return { kind: 'empty' };
  return value;
}

async function readCsv(bytes: Buffer, limits: ImportLimits): Promise<Grid> {
  if (isOle2(bytes)) throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the file is an old binary .xls workbook: save it as .xlsx (or .csv) and send it again');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the file is neither an .xlsx workbook nor a UTF-8 CSV text');
  }
  if (text.includes('\u0000')) throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the file is neither an .xlsx workbook nor a CSV text (it holds NUL bytes)');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  // The template is written with commas; a French spreadsheet saves "CSV" with semicolons: the header tells which.
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const knownHeaders = new Set<string>([...TEMPLATE_COLUMNS.map((c) => c.header), ...CSV_ID_COLUMNS.map((c) => c.header)]);
  let records: string[][];
  try {
    records = parseCsv(text, delimiter);
  } catch (error) {
    if (!(error instanceof CsvMalformed)) throw error;
    throw new ReportFileRefused(422, 'malformed_csv', `the CSV text cannot be read: ${error.message}`);
  }
  const headers = new Map<number, string>();
  (records[0] ?? []).forEach((value, k) => { const h = value.trim(); if (h) headers.set(k + 1, h); });
  if (![...headers.values()].some((h) => knownHeaders.has(h))) {
    throw new ReportFileRefused(415, 'not_a_spreadsheet', 'the text has none of the template\'s column headers: it is not a filled template');
  }
  const rows: GridRow[] = records.slice(1).map((record, k) => ({
    number: k + 2, hidden: false,
    cells: (col) => {
      const t = record[col - 1] ?? '';
      if (t.trim() === '') return { kind: 'empty' };
      // What a spreadsheet would compute when the file is opened: refused as a formula (and a CSV-injection vector).
      if (/^=/.test(t.trim())) return { kind: 'formula', formula: t.trim().slice(1) };
      return { kind: 'text', text: t };
    },
  }));
  // A trailing blank line is not a row.
  while (rows.length && TEMPLATE_COLUMNS.every((_, k) => rows.at(-1)!.cells(k + 1).kind === 'empty')) rows.pop();
  refuseTooManyRows(rows.length, limits);
  return { format: 'csv', headers, rows, date1904: false, ids: null };
}

const HEADER_OF = Object.fromEntries(TEMPLATE_COLUMNS.map((c) => [c.key, c.header])) as Record<(typeof TEMPLATE_COLUMNS)[number]['key'], string>;

function readRows(grid: Grid): ParsedFile {
  const rules = new RowRules(grid.format, grid.headers, grid.ids, grid.date1904);
  for (const row of grid.rows) rules.add(row);
  return rules.out;
}

/**
 * The rules of a file's rows, one row at a time, under its headers: the columns it lacks refuse
 * the file (the constructor throws), each row gives a report, a refusal or an empty row in `out`.
 */
class RowRules {
  readonly out: ParsedFile;
  private readonly col: (header: string) => number | null;
  /** The columns a pilot fills in, and every column the template has. */
  private readonly filled: number[];
  private readonly checked: number[];

  constructor(format: Grid['format'], private readonly headers: Map<number, string>, private readonly ids: Grid['ids'], private readonly date1904: boolean) {
    const byHeader = new Map<string, number>();
    const ignoredColumns: ParsedFile['ignoredColumns'] = [];
    const known = new Set<string>([...TEMPLATE_COLUMNS.map((c) => c.header), ...(ids ? [] : CSV_ID_COLUMNS.map((c) => c.header))]);
    for (const [col, header] of [...headers].sort((a, b) => a[0] - b[0])) {
      if (known.has(header) && !byHeader.has(header)) byHeader.set(header, col);
      else ignoredColumns.push({ column: columnLetter(col), header });
    }
    const required = [HEADER_OF.rowKey, HEADER_OF.value, HEADER_OF.observedOn, ...(ids ? [] : CSV_ID_COLUMNS.map((c) => c.header))];
    const missing = required.filter((h) => !byHeader.has(h));
    if (missing.length) throw new ReportFileRefused(422, 'missing_columns', `the file lacks the template's columns ${missing.map((h) => `"${h}"`).join(', ')}`, { columns: missing });

    this.col = (header: string) => byHeader.get(header) ?? null;
    this.filled = [HEADER_OF.value, HEADER_OF.observedOn, HEADER_OF.qualifier, HEADER_OF.comment].map(this.col).filter((c): c is number => c !== null);
    this.checked = [...byHeader.values()];
    const columns = Object.fromEntries([...byHeader].map(([h, c]) => [h, columnLetter(c)]));
    this.out = { format, reports: [], refused: [], emptyRows: [], ignoredColumns, columns };
  }

  add(row: GridRow): void {
    if (this.filled.every((c) => row.cells(c).kind === 'empty')) {
      this.out.emptyRows.push(row.number);
      return;
    }
    const keyCell = row.cells(this.col(HEADER_OF.rowKey)!);
    const rowKey = keyCell.kind === 'text' ? keyCell.text.trim() : null;
    const refuse = (header: string | null, code: string, message: string) => {
      const c = header ? this.col(header) : null;
      this.out.refused.push({ row: row.number, rowKey, column: c ? columnLetter(c) : null, columnName: header, code, message });
    };
    if (row.hidden) { refuse(null, 'hidden_row', `row ${row.number} is hidden: show it (or clear it) so that what is imported is what the file shows`); return; }
    const formulaAt = this.checked.find((c) => row.cells(c).kind === 'formula');
    if (formulaAt !== undefined) {
      const header = this.headers.get(formulaAt)!;
      refuse(header, 'formula', `cell ${columnLetter(formulaAt)}${row.number} (${header}) holds a formula: type the value itself`);
      return;
    }
    const errorAt = this.checked.find((c) => row.cells(c).kind === 'error');
    if (errorAt !== undefined) {
      const header = this.headers.get(errorAt)!;
      refuse(header, 'cell_error', `cell ${columnLetter(errorAt)}${row.number} (${header}) holds an error value`);
      return;
    }
    const ids = this.ids ? (rowKey ? this.ids.get(rowKey) : undefined) : csvIds(row, this.col);
    if (!rowKey || !ids || !ids.sheetId || !ids.indicatorId) {
      refuse(HEADER_OF.rowKey, 'unknown_row', `row ${row.number} has no reference the template knows (column ${HEADER_OF.rowKey}): copy rows from a downloaded template`);
      return;
    }
    if (ids.territory !== null && !isTerritory(ids.territory)) {
      refuse(this.ids ? HEADER_OF.rowKey : 'territory', 'invalid_territory', `row ${row.number}: territory ${ids.territory} is neither the region (24) nor one of its departments`);
      return;
    }
    const value = readNumber(row.cells(this.col(HEADER_OF.value)!));
    if (value === null) { refuse(HEADER_OF.value, 'invalid_value', `row ${row.number}: ${HEADER_OF.value} must be a number (12, 12,5 or 12.5)`); return; }
    const observedOn = readDay(row.cells(this.col(HEADER_OF.observedOn)!), this.date1904);
    if (observedOn === null) { refuse(HEADER_OF.observedOn, 'invalid_date', `row ${row.number}: ${HEADER_OF.observedOn} must be a real day (31/03/2024 or 2024-03-31)`); return; }
    const qualifierColumn = this.col(HEADER_OF.qualifier);
    const qualifierCell = qualifierColumn ? row.cells(qualifierColumn) : { kind: 'empty' as const };
    let qualifier: Qualifier | null = null;
    if (qualifierCell.kind !== 'empty') {
      qualifier = qualifierCell.kind === 'text' ? parseQualifier(qualifierCell.text) : null;
      if (!qualifier) { refuse(HEADER_OF.qualifier, 'invalid_qualifier', `row ${row.number}: ${HEADER_OF.qualifier} must be empty or one of exact, environ, plus de, au moins, moins de, au plus`); return; }
    }
    const commentColumn = this.col(HEADER_OF.comment);
    const commentCell = commentColumn ? row.cells(commentColumn) : { kind: 'empty' as const };
    const comment = commentCell.kind === 'text' ? commentCell.text.trim() : commentCell.kind === 'number' ? String(commentCell.value) : null;
    if (comment !== null && comment.length > TEXT_LIMITS.reportComment) { refuse(HEADER_OF.comment, 'text_too_long', `row ${row.number}: ${HEADER_OF.comment} is longer than ${TEXT_LIMITS.reportComment} characters`); return; }
    this.out.reports.push({ row: row.number, rowKey, ...ids, value, observedOn, qualifier, comment: comment || null });
  }
}

function csvIds(row: GridRow, col: (header: string) => number | null) {
  const text = (header: string) => { const c = row.cells(col(header)!); return c.kind === 'text' ? c.text.trim() : ''; };
  return { sheetId: text('sheetId'), indicatorId: text('indicatorId'), territory: text('territory') || null, zone: text('zone') || null };
}

function readNumber(cell: Cell): number | null {
  if (cell.kind === 'number') return Number.isFinite(cell.value) ? cell.value : null;
  if (cell.kind === 'text') return parseDecimalText(cell.text);
  return null;
}

function readDay(cell: Cell, date1904: boolean): string | null {
  if (cell.kind === 'date') return dateToDay(cell.value);
  if (cell.kind === 'number') return excelSerialToDay(cell.value, date1904);
  if (cell.kind === 'text') {
    const t = cell.text.trim();
    // A serial number typed as text (e.g. a CSV exported from a sheet whose column had no date format).
    if (/^\d{4,6}$/.test(t) && !/^\d{4}$/.test(t)) return excelSerialToDay(Number(t), date1904);
    return parseDayText(t);
  }
  return null;
}
