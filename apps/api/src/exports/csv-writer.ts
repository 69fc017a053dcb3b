/**
 * RFC 4180 CSV: CRLF line ends, a field is quoted when it holds a comma, a double quote, CR or LF
 * (or starts/ends with a space, which some readers would trim), quotes are doubled inside.
 */
export type CsvValue = string | number | boolean | null | undefined;

/** A column as the writer needs it: its name, and its type when it has one (a bare name is a text column). */
export type CsvColumn = string | { name: string; type: string };

/**
 * Spreadsheets run a cell that starts with one of these as a formula, a CSV export being one way to
 * slip a formula into someone else's workbook; such a text cell is written with a leading apostrophe,
 * which spreadsheets read as "this is text" (OWASP's advice on CSV injection).
 */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A number as JSON spells it: in a number column, "-3" is a negative number, not a formula. */
const NUMBER_LITERAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const NUMERIC = new Set(['number', 'integer']);

export function csvField(value: CsvValue, type = 'string'): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : String(value);
  const number = typeof value === 'number' || (NUMERIC.has(type) && NUMBER_LITERAL.test(text));
  if (!number && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(columns: readonly CsvColumn[], rows: ReadonlyArray<Record<string, CsvValue>>): string {
  const cols = columns.map((c) => (typeof c === 'string' ? { name: c, type: 'string' } : c));
  const lines = [cols.map((c) => csvField(c.name)).join(',')];
  for (const row of rows) lines.push(cols.map((c) => csvField(row[c.name], c.type)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
