/** A CSV text that cannot be read as records (an unclosed quote, text after a closing quote). */
export class CsvMalformed extends Error {}

/**
 * The records of a CSV text (RFC 4180, as spreadsheets save it): fields split on `delimiter`, records
 * on CRLF, LF or CR; a field in double quotes may hold the delimiter, line breaks and `""` for a quote,
 * and spaces after its closing quote are dropped; a quote inside an unquoted field is kept as text.
 * Fields are kept as written (no trimming, no conversion). A blank line is a record of one empty
 * field; the line break that ends the text makes no record.
 *
 * These are the readings of the CSV parser the import used before (fast-csv, through exceljs), which
 * the unit spec compares it with; it took ~30 MB and ~200 ms to load for a file this reads directly.
 */
export function parseCsv(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  const n = text.length;
  if (n === 0) return records;
  const isBreak = (at: number) => text[at] === '\r' || text[at] === '\n';
  let record: string[] = [];
  let i = 0;
  for (;;) {
    // One field from i: quoted, or up to the next delimiter or line break (possibly empty).
    if (text[i] === '"') {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new CsvMalformed(`a quoted field is not closed (record ${records.length + 1})`);
        value += text.slice(from, q);
        if (text[q + 1] !== '"') { i = q + 1; break; }
        value += '"';
        from = q + 2;
      }
      while (text[i] === ' ' || text[i] === '\t') i++;
      if (i < n && text[i] !== delimiter && !isBreak(i)) throw new CsvMalformed(`text after a closing quote (record ${records.length + 1}): a "${delimiter}" or a line break was expected`);
      record.push(value);
    } else {
      let end = i;
      while (end < n && text[end] !== delimiter && !isBreak(end)) end++;
      record.push(text.slice(i, end));
      i = end;
    }
    if (i >= n) { records.push(record); break; }
    if (text[i] === delimiter) { i++; continue; }
    i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
    records.push(record);
    record = [];
    if (i >= n) break; // the line break that ends the text makes no record
  }
  return records;
}
