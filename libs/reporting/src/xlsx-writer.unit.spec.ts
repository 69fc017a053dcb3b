import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { writeXlsx, type XlsxDocument } from './xlsx-writer.js';
import { readXlsx } from './xlsx-reader.js';
import { zipEntries } from './zip-entries.js';

const doc: XlsxDocument = {
  title: 'Saisie — <org> & "co"',
  creator: 'scoran-tracker',
  sheets: [
    { name: 'Saisie', frozenHeader: true, widths: [9, 40, 12], filledColumns: [3], rows: [['N°', 'Fiche', 'Valeur'], ['4.13', ' a < b & c ', null], ['2', 'Été\u0001', 12.5], [null, 'x', -3]] },
    { name: 'ids', hidden: true, rows: [['rowKey'], ['k1']] },
  ],
};

describe('writeXlsx', () => {
  it('writes a workbook another reader opens with its values, names, states, widths, styles and title', async () => {
    const bytes = writeXlsx(doc);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => [w.name, w.state])).toEqual([['Saisie', 'visible'], ['ids', 'hidden']]);
    const sheet = book.getWorksheet('Saisie')!;
    expect([1, 2, 3, 4].map((r) => (sheet.getRow(r).values as unknown[]).slice(1))).toEqual([['N°', 'Fiche', 'Valeur'], ['4.13', ' a < b & c '], ['2', 'Été', 12.5], [undefined, 'x', -3]]);
    expect(sheet.getColumn(2).width).toBe(40);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(3).fill).toMatchObject({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF7D6' } });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(book.title).toBe('Saisie — <org> & "co"');
    expect(book.creator).toBe('scoran-tracker');
  });

  it('reads back through the import\'s reader, and the zip passes unzip\'s own test', () => {
    const bytes = writeXlsx(doc);
    const read = readXlsx(bytes, zipEntries(bytes));
    expect(Object.fromEntries(read.worksheets[0]!.rows.get(3)!.cells)).toEqual({ 1: { kind: 'text', text: '2' }, 2: { kind: 'text', text: 'Été' }, 3: { kind: 'number', value: 12.5 } });
    const dir = mkdtempSync(join(tmpdir(), 'scoran-xlsx-'));
    try {
      writeFileSync(join(dir, 'book.xlsx'), bytes);
      expect(execFileSync('unzip', ['-t', join(dir, 'book.xlsx')], { encoding: 'utf8' })).toMatch(/No errors detected/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same bytes for the same document', () => {
    expect(writeXlsx(doc).equals(writeXlsx(doc))).toBe(true);
  });
});
