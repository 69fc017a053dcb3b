import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { indicator, report, sheet } from '../../../tests/support/reporting-facts.js';
import { columnLetter, DEFAULT_IMPORT_LIMITS, parseReportFile, ReportFileRefused } from './import-parser.js';
import { planImport } from './import-plan.js';
import { importedReportId } from './report-ids.js';
import { templateCsvTable, templateRows, TEMPLATE_SHEET_NAME } from './template.js';
import { writeTemplateXlsx } from './template-xlsx.js';
import { zipEntries } from './zip-entries.js';

const facts = [sheet({ indicators: [indicator(), indicator({ indicatorId: 'reuses', name: 'Réutilisations', unit: 'percent' }), indicator({ indicatorId: 'budget', name: 'Budget', unit: 'amount' })] })];
const rows = templateRows(facts);
// Columns of the template: K value, L observed on, M qualifier, N comment.
const [VALUE, OBSERVED, QUALIFIER, COMMENT] = [11, 12, 13, 14];

async function filled(edit: (ws: ExcelJS.Worksheet, wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await writeTemplateXlsx(rows, { organisationId: 'org' })) as unknown as ArrayBuffer);
  edit(wb.getWorksheet(TEMPLATE_SHEET_NAME)!, wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function refusal(bytes: Buffer, limits = DEFAULT_IMPORT_LIMITS): Promise<ReportFileRefused> {
  try {
    await parseReportFile(bytes, limits);
  } catch (error) {
    if (error instanceof ReportFileRefused) return error;
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('reading a filled .xlsx template', () => {
  it('counts the rows of a worksheet of any length (more than a spread call takes) before refusing too many', async () => {
    const files = unzipSync(await writeTemplateXlsx(rows, { organisationId: 'org' }));
    const n = 200_001;
    const data = Array.from({ length: n }, (_, k) => `<row r="${k + 2}"><c r="K${k + 2}"><v>1</v></c></row>`).join('');
    files['xl/worksheets/sheet1.xml'] = strToU8(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="K1" t="inlineStr"><is><t>Valeur</t></is></c></row>${data}</sheetData></worksheet>`);
    const tooMany = await refusal(Buffer.from(zipSync(files)));
    expect([tooMany.status, tooMany.code, tooMany.details]).toEqual([413, 'too_many_rows', { rows: n, maxRows: DEFAULT_IMPORT_LIMITS.maxRows }]);
  });

  it('refuses a single cell that names a far row as that many rows, without building them', async () => {
    const files = unzipSync(await writeTemplateXlsx(rows, { organisationId: 'org' }));
    files['xl/worksheets/sheet1.xml'] = strToU8('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="999999999"><c r="K999999999"><v>1</v></c></row></sheetData></worksheet>');
    // Building a row object per row number first would not end (a billion rows): refused at once instead.
    const far = await refusal(Buffer.from(zipSync(files)));
    expect([far.status, far.code, far.details]).toEqual([413, 'too_many_rows', { rows: 999_999_998, maxRows: DEFAULT_IMPORT_LIMITS.maxRows }]);
  });

  it('reads values, days as Excel dates, serial numbers, French or ISO text, decimal commas; skips and lists empty rows', async () => {
    const bytes = await filled((ws) => {
      ws.getCell(2, VALUE).value = 12; ws.getCell(2, OBSERVED).value = new Date(Date.UTC(2024, 2, 31)); ws.getCell(2, COMMENT).value = 'premier trimestre';
      ws.getCell(3, VALUE).value = '37,5'; ws.getCell(3, OBSERVED).value = 45382; ws.getCell(3, QUALIFIER).value = 'environ';
      ws.getCell(4, VALUE).value = '1 200'; ws.getCell(4, OBSERVED).value = '31/03/2024';
      ws.getCell(5, VALUE).value = null;
    });
    const parsed = await parseReportFile(bytes);
    expect(parsed.format).toBe('xlsx');
    expect(parsed.refused).toEqual([]);
    expect(parsed.reports.map((r) => [r.row, r.indicatorId, r.value, r.observedOn, r.qualifier, r.comment])).toEqual([
      [2, 'datasets-published', 12, '2024-03-31', null, 'premier trimestre'],
      [3, 'reuses', 37.5, '2024-03-31', 'about', null],
      [4, 'budget', 1200, '2024-03-31', null, null],
    ]);
    expect(parsed.emptyRows).toEqual([]);
    const withBlank = await parseReportFile(await filled((ws) => { ws.getCell(2, VALUE).value = 1; ws.getCell(2, OBSERVED).value = '2024-03-31'; }));
    expect(withBlank.emptyRows).toEqual([3, 4]);
  });

  it('finds a row by its reference even after the pilot sorted the rows', async () => {
    const bytes = await filled((ws) => {
      const third = (ws.getRow(4).values as ExcelJS.CellValue[]).slice(1);
      const first = (ws.getRow(2).values as ExcelJS.CellValue[]).slice(1);
      ws.getRow(2).values = third; ws.getRow(4).values = first;
      ws.getCell(2, VALUE).value = 5; ws.getCell(2, OBSERVED).value = '2024-01-31';
    });
    expect((await parseReportFile(bytes)).reports[0]).toMatchObject({ row: 2, indicatorId: 'budget', value: 5 });
  });

  it('refuses a row holding a formula, naming the cell and its column', async () => {
    const bytes = await filled((ws) => {
      ws.getCell(2, VALUE).value = { formula: 'G2+1', result: 13 } as ExcelJS.CellFormulaValue; ws.getCell(2, OBSERVED).value = '2024-03-31';
      ws.getCell(3, VALUE).value = 4; ws.getCell(3, OBSERVED).value = '2024-03-31';
    });
    const parsed = await parseReportFile(bytes);
    expect(parsed.refused).toEqual([expect.objectContaining({ row: 2, column: 'K', columnName: 'Valeur', code: 'formula' })]);
    expect(parsed.refused[0]!.message).toContain('K2');
    expect(parsed.reports.map((r) => r.row)).toEqual([3]);
  });

  it('refuses a hidden row that holds a value, and treats an empty hidden row as empty', async () => {
    const bytes = await filled((ws) => {
      ws.getCell(2, VALUE).value = 1; ws.getCell(2, OBSERVED).value = '2024-03-31'; ws.getRow(2).hidden = true;
      ws.getRow(3).hidden = true;
    });
    const parsed = await parseReportFile(bytes);
    expect(parsed.refused).toEqual([expect.objectContaining({ row: 2, code: 'hidden_row', column: null })]);
    expect(parsed.emptyRows).toEqual([3, 4]);
  });

  it('refuses bad values and days row by row, naming the column', async () => {
    const bytes = await filled((ws) => {
      ws.getCell(2, VALUE).value = 'douze'; ws.getCell(2, OBSERVED).value = '2024-03-31';
      ws.getCell(3, VALUE).value = 3; ws.getCell(3, OBSERVED).value = '30/02/2024';
      ws.getCell(4, VALUE).value = 3; ws.getCell(4, OBSERVED).value = '2024-03-31'; ws.getCell(4, QUALIFIER).value = 'presque';
    });
    const parsed = await parseReportFile(bytes);
    expect(parsed.refused.map((r) => [r.row, r.column, r.code])).toEqual([[2, 'K', 'invalid_value'], [3, 'L', 'invalid_date'], [4, 'M', 'invalid_qualifier']]);
  });

  it('ignores and lists columns the template does not have', async () => {
    const bytes = await filled((ws) => { ws.getCell(1, 16).value = 'Mes notes'; ws.getCell(2, 16).value = 'x'; ws.getCell(2, VALUE).value = 1; ws.getCell(2, OBSERVED).value = '2024-03-31'; });
    const parsed = await parseReportFile(bytes);
    expect(parsed.ignoredColumns).toEqual([{ column: 'P', header: 'Mes notes' }]);
    expect(parsed.reports).toHaveLength(1);
  });

  it('refuses the whole file for merged cells, a lost ids worksheet, a missing column, or too many rows', async () => {
    const merged = await refusal(await filled((ws) => ws.mergeCells('K2:K3')));
    expect([merged.status, merged.code, merged.details.ranges]).toEqual([422, 'merged_cells', ['K2:K3']]);
    expect((await refusal(await filled((_, wb) => wb.removeWorksheet(wb.getWorksheet('ids')!.id)))).code).toBe('missing_ids');
    const noValue = await refusal(await filled((ws) => { ws.getCell(1, VALUE).value = 'Chiffre'; }));
    expect([noValue.status, noValue.code, noValue.details.columns]).toEqual([422, 'missing_columns', ['Valeur']]);
    const tooMany = await refusal(await filled(() => undefined), { ...DEFAULT_IMPORT_LIMITS, maxRows: 2 });
    expect([tooMany.status, tooMany.code, tooMany.details]).toEqual([413, 'too_many_rows', { rows: 3, maxRows: 2 }]);
  });

  it('reads the worksheet row by row to the same outcome as read whole, rows out of order or missing included', async () => {
    /** The outcome of a file read both ways: what it gives, or how it is refused. */
    const outcome = async (bytes: Buffer, limits: typeof DEFAULT_IMPORT_LIMITS, rowsAtOnce: boolean) => {
      try {
        return await parseReportFile(bytes, limits, { rowsAtOnce });
      } catch (error) {
        if (!(error instanceof ReportFileRefused)) throw error;
        return { status: error.status, code: error.code, details: error.details };
      }
    };
    const base = await filled((ws) => {
      ws.getCell(2, VALUE).value = 12; ws.getCell(2, OBSERVED).value = new Date(Date.UTC(2024, 2, 31));
      ws.getCell(3, VALUE).value = { formula: 'K2+1', result: 13 } as ExcelJS.CellFormulaValue; ws.getCell(3, OBSERVED).value = '2024-03-31';
      ws.getCell(4, VALUE).value = '1 200'; ws.getCell(4, OBSERVED).value = '30/02/2024'; ws.getCell(4, COMMENT).value = 'à revoir';
    });
    const files = unzipSync(base);
    const xml = new TextDecoder().decode(files['xl/worksheets/sheet1.xml']!);
    const rowsXml = [...xml.matchAll(/<row r="(\d+)"[\s\S]*?<\/row>/g)].map((m) => m[0]);
    expect(rowsXml.length).toBeGreaterThanOrEqual(4);
    const [header, second, third, fourth] = rowsXml;
    const withRows = (...rows: string[]) => {
      const data = xml.replace(/<sheetData>[\s\S]*<\/sheetData>/, `<sheetData>${rows.join('')}</sheetData>`);
      return Buffer.from(zipSync({ ...files, 'xl/worksheets/sheet1.xml': strToU8(data) }));
    };
    const renumbered = (row: string, n: number) => row.replace(/(<row r=")\d+/, `$1${n}`).replace(/(<c r="[A-Z]+)\d+/g, `$1${n}`);
    const variants: Array<[string, Buffer, typeof DEFAULT_IMPORT_LIMITS]> = [
      ['as written', base, DEFAULT_IMPORT_LIMITS],
      ['a gap, a row with only a format, a cell of spaces, and trailing rows with only a format',
        withRows(header!, second!, renumbered(fourth!, 6), '<row r="7" ht="20" customHeight="1"/>', renumbered(second!, 9).replace(/<c r="K9"[^>]*>[\s\S]*?<\/c>/, '<c r="K9" t="inlineStr"><is><t>   </t></is></c>'), '<row r="12" ht="20" customHeight="1"/>', '<row r="13" hidden="1"/>'),
        DEFAULT_IMPORT_LIMITS],
      ['rows out of order', withRows(header!, fourth!, second!, third!), DEFAULT_IMPORT_LIMITS],
      ['the header after the data', withRows(second!, header!, third!), DEFAULT_IMPORT_LIMITS],
      ['a row given twice', withRows(header!, second!, third!, renumbered(fourth!, 3)), DEFAULT_IMPORT_LIMITS],
      ['no header row', withRows(second!, third!), DEFAULT_IMPORT_LIMITS],
      ['too many rows and no header', withRows(second!, third!, fourth!), { ...DEFAULT_IMPORT_LIMITS, maxRows: 2 }],
      ['too many rows and merged cells', Buffer.from(await filled((ws) => { ws.mergeCells('K2:K3'); })), { ...DEFAULT_IMPORT_LIMITS, maxRows: 1 }],
    ];
    for (const [name, bytes, limits] of variants) {
      const [streamed, whole] = [await outcome(bytes, limits, false), await outcome(bytes, limits, true)];
      expect({ name, outcome: streamed }).toEqual({ name, outcome: whole });
    }
    // What the comparison compares is not empty: the variants give reports, refusals and empty rows.
    const gaps = (await outcome(variants[1]![1], DEFAULT_IMPORT_LIMITS, false)) as Awaited<ReturnType<typeof parseReportFile>>;
    expect([gaps.reports.map((r) => r.row), gaps.refused.map((r) => [r.row, r.code]), gaps.emptyRows]).toEqual([[2], [[6, 'invalid_date'], [9, 'invalid_value']], [3, 4, 5, 7, 8]]);
    const unordered = (await outcome(variants[2]![1], DEFAULT_IMPORT_LIMITS, false)) as Awaited<ReturnType<typeof parseReportFile>>;
    expect([unordered.reports.map((r) => r.row), unordered.refused.map((r) => [r.row, r.code])]).toEqual([[2], [[3, 'formula'], [4, 'invalid_date']]]);
    expect(await outcome(variants[6]![1], variants[6]![2], false)).toMatchObject({ status: 413, code: 'too_many_rows' });
    expect(await outcome(variants[7]![1], variants[7]![2], false)).toMatchObject({ status: 422, code: 'merged_cells' });
  });
});

describe('refusing what is not a spreadsheet, or would inflate beyond the limits', () => {
  it('415 for bytes that are neither an .xlsx nor a CSV, an old .xls, or a zip that is not a workbook', async () => {
    expect((await refusal(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]))).status).toBe(415);
    const xls = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(512)]);
    expect((await refusal(xls)).message).toContain('.xls');
    expect((await refusal(Buffer.from(zipSync({ 'mimetype': new TextEncoder().encode('application/vnd.oasis.opendocument.spreadsheet') })))).status).toBe(415);
    expect((await refusal(Buffer.from('just some text\nwithout headers\n'))).code).toBe('not_a_spreadsheet');
    expect((await refusal(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]))).status).toBe(415);
  });

  it('413 for a zip that declares more than 20 MB inflated, before inflating it', async () => {
    const bomb = Buffer.from(zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(21 * 1024 * 1024) }, { level: 9 }));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const refused = await refusal(bomb);
    expect([refused.status, refused.code, refused.details.reason]).toEqual([413, 'zip_bomb', 'uncompressed_too_large']);
  });

  it('413 for an entry compressed beyond the ratio cap, even under the total', async () => {
    const dense = Buffer.from(zipSync({ 'xl/sharedStrings.xml': new Uint8Array(5 * 1024 * 1024) }, { level: 9 }));
    expect((await refusal(dense)).details.reason).toBe('compression_ratio');
  });

  it('refuses a zip that lies about its sizes, from the entry it reads: inflating past, or short of, what it declared', async () => {
    const liar = Buffer.from(zipSync({ 'xl/worksheets/sheet1.xml': new Uint8Array(3 * 1024 * 1024) }, { level: 9 }));
    for (const e of zipEntries(liar)) { liar.writeUInt32LE(1000, e.centralOffset + 24); liar.writeUInt32LE(1000, e.localOffset + 22); }
    // Not a workbook: refused for that, before anything is inflated.
    expect((await refusal(liar)).code).toBe('not_a_spreadsheet');
    const template = Buffer.from(await writeTemplateXlsx(rows, { organisationId: 'org' }));
    const sheetEntry = (bytes: Buffer) => zipEntries(bytes).find((e) => e.name === 'xl/worksheets/sheet1.xml')!;
    const declaring = (size: number) => {
      const bytes = Buffer.from(template);
      bytes.writeUInt32LE(size, sheetEntry(bytes).centralOffset + 24);
      return bytes;
    };
    const real = sheetEntry(template).uncompressedSize;
    expect((await parseReportFile(declaring(real))).format).toBe('xlsx');
    for (const size of [real - 1, 10, 0, real + 1, real * 2]) {
      const refused = await refusal(declaring(size));
      expect([size, refused.status, refused.code, refused.details.reason, refused.details.entry]).toEqual([size, 413, 'zip_bomb', 'size_mismatch', 'xl/worksheets/sheet1.xml']);
      expect(refused.message).toBe('zip entry xl/worksheets/sheet1.xml does not inflate to the size it declares');
    }
  });

  it('415 for an entry whose deflated bytes are corrupt, or compressed by a method no reader knows', async () => {
    const template = Buffer.from(await writeTemplateXlsx(rows, { organisationId: 'org' }));
    const e = zipEntries(template).find((x) => x.name === 'xl/worksheets/sheet1.xml')!;
    const corrupt = Buffer.from(template);
    const start = e.localOffset + 30 + corrupt.readUInt16LE(e.localOffset + 26) + corrupt.readUInt16LE(e.localOffset + 28);
    corrupt.fill(0xff, start, start + Math.min(64, e.compressedSize));
    expect([(await refusal(corrupt)).status, (await refusal(corrupt)).details.reason]).toEqual([415, 'corrupt']);
    const bzip2 = Buffer.from(template);
    bzip2.writeUInt16LE(12, e.centralOffset + 10);
    expect([(await refusal(bzip2)).status, (await refusal(bzip2)).details.reason]).toEqual([415, 'unsupported_compression']);
  });
});

describe('reading a filled CSV template', () => {
  const csv = (lines: string[][], sep = ',') => Buffer.from(`\ufeff${lines.map((l) => l.map((f) => (/[",;\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(sep)).join('\r\n')}\r\n`);
  const { columns, records } = templateCsvTable(rows);
  const line = (k: number, over: Record<string, string>) => columns.map((c) => over[c] ?? (records[k]![c] === null ? '' : String(records[k]![c])));

  it('reads the comma CSV it writes, and the semicolon CSV a French spreadsheet saves', async () => {
    for (const sep of [',', ';']) {
      const parsed = await parseReportFile(csv([columns, line(0, { Valeur: '12,5', 'Observé le': '31/03/2024' }), line(1, {}), line(2, { Valeur: '3', 'Observé le': '45382' })], sep));
      expect(parsed.format).toBe('csv');
      expect(parsed.reports.map((r) => [r.row, r.sheetId, r.indicatorId, r.value, r.observedOn])).toEqual([[2, 'open-data-challenge', 'datasets-published', 12.5, '2024-03-31'], [4, 'open-data-challenge', 'budget', 3, '2024-03-31']]);
      expect(parsed.emptyRows).toEqual([3]);
    }
  });

  it('refuses a cell that starts with = as a formula, naming its column', async () => {
    const parsed = await parseReportFile(csv([columns, line(0, { Valeur: '=1+2', 'Observé le': '2024-03-31' })]));
    expect(parsed.refused).toEqual([expect.objectContaining({ row: 2, code: 'formula', column: columnLetter(columns.indexOf('Valeur') + 1), columnName: 'Valeur' })]);
  });

  it('415 for a text that is not UTF-8', async () => {
    expect((await refusal(Buffer.concat([Buffer.from(columns.join(',')), Buffer.from([0xe9, 0x0d, 0x0a])]))).status).toBe(415);
  });
});

describe('planning an import', () => {
  const one = (over: Partial<Parameters<typeof importedReportId>[0]> = {}) => ({
    row: 2, rowKey: 'k', sheetId: 'open-data-challenge', indicatorId: 'datasets-published', territory: null, zone: null, value: 12, observedOn: '2024-03-31', qualifier: null, comment: null, ...over,
  });
  const file = (reports: ReturnType<typeof one>[]) => ({ reports, columns: { 'Réf.': 'O', Valeur: 'K', 'Observé le': 'L' } });
  const source = (row: number) => `fichier, ligne ${row}`;

  it('writes a new report under its deterministic id, and recognises it once recorded', () => {
    const [planned] = planImport('org', file([one()]), facts, source);
    const reportId = importedReportId({ organisationId: 'org', sheetId: 'open-data-challenge', indicatorId: 'datasets-published', territory: null, zone: null, observedOn: '2024-03-31', value: 12 });
    expect(planned).toEqual({ row: 2, outcome: 'to_write', report: expect.objectContaining({ reportId, value: 12, source: 'fichier, ligne 2' }) });
    const recorded = [sheet({ indicators: [indicator({ reports: [report({ observedOn: '2024-03-31', value: 12, reportId })] })] })];
    expect(planImport('org', file([one()]), recorded, source)[0]).toMatchObject({ outcome: 'already_recorded', reportId });
  });

  it('compares a row with the reports of its own day, territory and zone only, naming the first of them', () => {
    const reports = [
      report({ observedOn: '2024-03-31', territory: '37', value: 3 }),
      report({ observedOn: '2024-03-31', territory: '37', zone: 'rural', value: 4 }),
      report({ observedOn: '2024-06-30', territory: '37', value: 5 }),
      report({ observedOn: '2024-03-31', territory: '37', value: 6, reportId: 'second-of-its-scope' }),
    ];
    const recorded = [sheet({ indicators: [indicator({ reports })] })];
    const planned = planImport('org', file([
      one({ territory: '37' }), { ...one({ territory: '37', zone: 'urbain' }), row: 3 }, { ...one({ territory: '18' }), row: 4 }, { ...one({ territory: '37', zone: 'rural' }), row: 5 },
    ]), recorded, source);
    expect(planned.map((o) => o.outcome)).toEqual(['refused', 'to_write', 'to_write', 'refused']);
    expect(planned[0]).toMatchObject({ code: 'already_reported', message: expect.stringContaining(`the value 3 for 2024-03-31 in this scope; a different value is a correction (report ${reports[0]!.reportId})`) });
    expect(planned[3]).toMatchObject({ code: 'already_reported', message: expect.stringContaining('the value 4') });
  });

  it('refuses another value for a day and scope already reported, a sheet the organisation does not pilot, and a repeated row', () => {
    const recorded = [sheet({ indicators: [indicator({ reports: [report({ observedOn: '2024-03-31', value: 10 })] })] })];
    expect(planImport('org', file([one()]), recorded, source)[0]).toMatchObject({ outcome: 'refused', code: 'already_reported', column: 'K' });
    expect(planImport('org', file([one({ sheetId: 'someone-elses' })]), facts, source)[0]).toMatchObject({ outcome: 'refused', code: 'not_a_pilot', column: 'O' });
    expect(planImport('org', file([one(), { ...one(), row: 3 }]), facts, source).map((o) => o.outcome)).toEqual(['to_write', 'refused']);
  });
});
