import { describe, expect, it } from '@jest/globals';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { CsvMalformed, parseCsv } from './csv-reader.js';

/** What exceljs's CSV reader (fast-csv) gives, the reader the import used before: rows of strings, or its error. */
async function viaExcelJs(text: string, delimiter: string): Promise<string[][] | 'error'> {
  try {
    const sheet = await new ExcelJS.Workbook().csv.read(Readable.from([text]), { map: (d: string) => d, parserOptions: { delimiter, quote: '"' } } as never);
    return Array.from({ length: sheet.rowCount }, (_, k) => ((sheet.getRow(k + 1).values as unknown[]) ?? []).slice(1).map((v) => (v === undefined || v === null ? '' : String(v))));
  } catch {
    return 'error';
  }
}

/** Empty trailing fields aside (a spreadsheet row has no end), the same rows. */
const rows = (r: string[][] | 'error') => (r === 'error' ? r : r.map((row) => { const out = [...row]; while (out.length && out.at(-1) === '') out.pop(); return out; }));

const CASES = [
  'a,"b""c",d\r\n', 'ab"c,d\r\n', '"ab"c,d\r\n', '"unterminated\r\n', 'a,b\r\n\r\nc,d\r\n', 'a,b\r\n\r\n', '"x" ,y\r\n', '"x"\t;y\r\n',
  'a,b\rc,d\r', 'a,b\nc,d', '"multi\r\nline",z\r\n', 'a,,b,\r\n', ' a , b \r\n', 'a;b,c\r\n', '""\r\n', 'x\r\n,\r\n', 'a,"",b', 'é,€,"x;y"\n',
  '"a""""b"', 'a,b,', '\r\n', 'x', '"",""\n"q"',
];

describe('parseCsv', () => {
  it.each(CASES)('reads %j as exceljs\'s CSV reader did', async (text) => {
    for (const delimiter of [',', ';']) {
      const expected = rows(await viaExcelJs(text, delimiter));
      let got: string[][] | 'error';
      try { got = parseCsv(text, delimiter); } catch (e) { expect(e).toBeInstanceOf(CsvMalformed); got = 'error'; }
      expect(rows(got)).toEqual(expected);
    }
  });

  it('keeps fields as written, quotes and line breaks inside quoted ones, and an empty last field', () => {
    expect(parseCsv('Réf.,Valeur\r\nk1,"12,5"\r\nk2,"deux\r\nlignes, ""citées"""\r\nk3,\r\n', ',')).toEqual([['Réf.', 'Valeur'], ['k1', '12,5'], ['k2', 'deux\r\nlignes, "citées"'], ['k3', '']]);
    expect(parseCsv('', ',')).toEqual([]);
  });
});
