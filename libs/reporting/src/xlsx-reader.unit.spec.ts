import { describe, expect, it } from '@jest/globals';
import { strToU8, zipSync } from 'fflate';
import { isDateFormat, readXlsx, XlsxUnreadable, type XlsxWorkbook } from './xlsx-reader.js';
import { zipEntries } from './zip-entries.js';

/** A workbook from its parts' XML, as other writers lay them out (prefixes, quoting, part names). */
function book(parts: Record<string, string>): XlsxWorkbook {
  const bytes = Buffer.from(zipSync(Object.fromEntries(Object.entries(parts).map(([name, xml]) => [name, strToU8(xml)]))));
  return readXlsx(bytes, zipEntries(bytes));
}

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const rootRels = `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const bookRels = (extra = '') => `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
  <Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>
  <Relationship Id="rId2" Type="${REL}/worksheet" Target="/xl/worksheets/other.xml"/>
  <Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>
  <Relationship Id="rId4" Type="${REL}/styles" Target="styles.xml"/>${extra}
</Relationships>`;
const workbookXml = (pr = '') => `<?xml version="1.0" encoding="UTF-8"?><workbook ${NS}>${pr}<sheets>
  <sheet name="Saisie" sheetId="1" r:id="rId1"/><sheet name="ids &amp; refs" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>`;
const styles = `<styleSheet ${NS}><numFmts count="3"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/><numFmt numFmtId="165" formatCode="[&gt;=100]0&quot;d&quot;;0"/><numFmt numFmtId="166" formatCode='0" h";[Red]0'/></numFmts>
  <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>
  <cellXfs count="6"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/><xf numFmtId="166"/><xf numFmtId="4"/></cellXfs></styleSheet>`;
const shared = `<sst ${NS} count="4" uniqueCount="4"><si><t>Valeur</t></si><si><r><rPr><b/></rPr><t xml:space="preserve">Observé </t></r><r><t>le</t></r><rPh sb="0" eb="1"><t>ヨミ</t></rPh></si><si/><si><t>a &lt; b &amp; c &#233;&#x20AC;</t></si></sst>`;

const parts = (sheet1: string, sheet2 = `<worksheet ${NS}><sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>k1</t></is></c></row></sheetData></worksheet>`, pr = '') => ({
  '[Content_Types].xml': '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
  '_rels/.rels': rootRels, 'xl/workbook.xml': workbookXml(pr), 'xl/_rels/workbook.xml.rels': bookRels(),
  'xl/styles.xml': styles, 'xl/sharedStrings.xml': shared, 'xl/worksheets/sheet1.xml': sheet1, 'xl/worksheets/other.xml': sheet2,
});

describe('readXlsx', () => {
  it('reads the worksheets in order, with their names and states, through the relationships', () => {
    const wb = book(parts(`<worksheet ${NS}><sheetData/></worksheet>`));
    expect(wb.worksheets.map((w) => [w.name, w.state])).toEqual([['Saisie', 'visible'], ['ids & refs', 'hidden']]);
    expect(wb.worksheets[1]!.rows.get(2)!.cells.get(1)).toEqual({ kind: 'text', text: 'k1' });
    expect(wb.date1904).toBe(false);
  });

  it('reads each kind of cell as the workbook stores it', () => {
    const wb = book(parts(`<worksheet ${NS}><sheetData>
      <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>
      <row r="2"><c r="A2"><v>12.5</v></c><c r="B2" s="1"><v>45382</v></c><c r="C2" s="2"><v>7</v></c><c r="D2" s="3"><v>45382.75</v></c><c r="E2" s="4"><v>3</v></c><c r="F2" s="5"><v>1234.5</v></c></row>
      <row r="3"><c r="A3" t="b"><v>1</v></c><c r="B3" t="e"><v>#DIV/0!</v></c><c r="C3"><f>SUM(A1:A2)</f><v>12.5</v></c><c r="D3" t="str"><f>"a"&amp;"b"</f><v>ab</v></c><c r="E3"><f t="shared" si="0"/><v>3</v></c><c r="F3" t="d"><v>2024-03-31T00:00:00Z</v></c><c r="G3" t="inlineStr"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>
      <row r="4"><c r="A4" s="1"/><c r="B4" t="s"><v>2</v></c><c r="C4"><v></v></c></row>
    </sheetData></worksheet>`));
    const cells = (n: number) => Object.fromEntries(wb.worksheets[0]!.rows.get(n)!.cells);
    expect(cells(1)).toEqual({ 1: { kind: 'text', text: 'Valeur' }, 2: { kind: 'text', text: 'Observé le' }, 4: { kind: 'text', text: 'a < b & c é€' } });
    expect(cells(2)).toEqual({
      1: { kind: 'number', value: 12.5 }, 2: { kind: 'date', value: new Date('2024-03-31T00:00:00Z') },
      // A condition in brackets and a quoted "d" are not date characters; "h" outside quotes is.
      3: { kind: 'number', value: 7 }, 4: { kind: 'date', value: new Date('2024-03-31T18:00:00Z') }, 5: { kind: 'number', value: 3 }, 6: { kind: 'number', value: 1234.5 },
    });
    expect(cells(3)).toEqual({
      1: { kind: 'boolean', value: true }, 2: { kind: 'error', text: '#DIV/0!' }, 3: { kind: 'formula', formula: 'SUM(A1:A2)' }, 4: { kind: 'formula', formula: '"a"&"b"' },
      5: { kind: 'formula', formula: '' }, 6: { kind: 'date', value: new Date('2024-03-31T00:00:00Z') }, 7: { kind: 'text', text: 'inline' },
    });
    // A styled cell without a value, an empty shared string and an empty value hold nothing.
    expect(cells(4)).toEqual({});
  });

  it('counts days from 1904 when the workbook says so', () => {
    const wb = book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1" s="1"><v>43920</v></c></row></sheetData></worksheet>`, undefined, '<workbookPr date1904="1"/>'));
    expect(wb.date1904).toBe(true);
    expect(wb.worksheets[0]!.rows.get(1)!.cells.get(1)).toEqual({ kind: 'date', value: new Date('2024-03-31T00:00:00Z') });
  });

  it('reads hidden rows, merged ranges, rows and cells without references, and prefixed element names', () => {
    const wb = book(parts(`<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
      <x:row r="3" hidden="1"><x:c r="AA3"><x:v>1</x:v></x:c></x:row><x:row><x:c><x:v>2</x:v></x:c><x:c><x:v>3</x:v></x:c></x:row><x:row r="9" hidden="true"/>
    </x:sheetData><x:mergeCells count="1"><x:mergeCell ref="K2:K3"/></x:mergeCells></x:worksheet>`));
    const sheet = wb.worksheets[0]!;
    expect([...sheet.rows.values()].map((r) => [r.number, r.hidden, Object.fromEntries(r.cells)])).toEqual([
      [3, true, { 27: { kind: 'number', value: 1 } }], [4, false, { 1: { kind: 'number', value: 2 }, 2: { kind: 'number', value: 3 } }], [9, true, {}],
    ]);
    expect(sheet.merges).toEqual(['K2:K3']);
  });

  it('refuses a document type declaration, malformed XML, a missing worksheet part or shared string', () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]><worksheet ${NS}><sheetData/></worksheet>`;
    expect(() => book(parts(doctype))).toThrow(XlsxUnreadable);
    expect(() => book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1"><v>1 < 2</v></c></row></sheetData></worksheet>`))).toThrow(XlsxUnreadable);
    expect(() => book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="s"><v>99</v></c></row></sheetData></worksheet>`))).toThrow(/shared string 99/);
    const { 'xl/worksheets/other.xml': _, ...withoutIds } = parts(`<worksheet ${NS}><sheetData/></worksheet>`);
    expect(() => book(withoutIds)).toThrow(/ids & refs has no part/);
    expect(() => book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1"><v>&bogus;</v></c></row></sheetData></worksheet>`))).toThrow(/unknown entity/);
    // A cell opened inside another one (its inline text too) is refused, not read as a third thing.
    expect(() => book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a<c r="B1"/>b</t></is></c></row></sheetData></worksheet>`))).toThrow(/a cell inside a cell/);
  });

  it('keeps the text an unclosed element leaves after its cell out of the next cell', () => {
    const wb = book(parts(`<worksheet ${NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>a</c><c r="B1">stray</c><c r="C1"><v>2</v></c><c r="D1" t="inlineStr"><is><t>d</t></is></c></row></sheetData></worksheet>`));
    expect([...wb.worksheets[0]!.rows.get(1)!.cells]).toEqual([[1, { kind: 'text', text: 'a' }], [3, { kind: 'number', value: 2 }], [4, { kind: 'text', text: 'd' }]]);
  });
});

describe('isDateFormat', () => {
  it.each([['dd/mm/yyyy', true], ['[$-40C]d mmmm yyyy', true], ['h:mm', true], ['0.00', false], ['#,##0 "m"', false], ['[Red]0', false], ['General', false], ['@', false]])('%s → %s', (code, date) => {
    expect(isDateFormat(code)).toBe(date);
  });
});
