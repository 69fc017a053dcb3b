import type { ZipEntry } from './zip-entries.js';
import { inflateEntry } from './zip-guard.js';

/**
 * A reader of the cells of an .xlsx workbook (ECMA-376 SpreadsheetML), for the report import: the
 * worksheets' names and states, each cell's value, formula or error, hidden rows and merged ranges.
 * Nothing else (styles beyond number formats, comments, drawings) is read.
 *
 * Why not a general workbook library: exceljs builds the whole workbook model, ~385 ms and ~65 MB
 * of heap for the bench's 10 000-row file; this reads the XML of the parts it needs in one pass each,
 * ~130 ms and ~20 MB, and can hand a worksheet's rows over as they are read instead of keeping them
 * (XlsxRowStream): the import's heap then grows by ~15 MB for that file instead of ~31. Its readings follow exceljs's where a choice
 * exists, so that a file reads as it did: a number styled with a date format (one with y, m, d, h, s
 * or b outside quotes and brackets) is a date, counted from 1900 or 1904 as the workbook says; a
 * shared or inline string keeps its text as written, rich-text runs joined; a cell holding a formula
 * is a formula whatever its cached result.
 *
 * The caller has checked what the zip declares first (checkZip: sizes, ratios, methods); each part
 * read is inflated to exactly the size it declares or throws ZipEntryRefused (inflateEntry). A part
 * that is not well-formed as far as this reader goes, a document type declaration, or a workbook
 * without its parts throws XlsxUnreadable.
 */
export type XlsxValue =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'number'; value: number }
  | { kind: 'date'; value: Date }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'formula'; formula: string }
  | { kind: 'error'; text: string };

export interface XlsxRow {
  number: number;
  hidden: boolean;
  /** Column number (A = 1) → value; cells absent from the file are absent here. */
  cells: Map<number, XlsxValue>;
}

export interface XlsxWorksheet {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** The rows the file lists, by number. */
  rows: Map<number, XlsxRow>;
  /** Merged ranges as written (`A1:B2`). */
  merges: string[];
}

export interface XlsxWorkbook {
  date1904: boolean;
  /** In the workbook's order. */
  worksheets: XlsxWorksheet[];
}

export class XlsxUnreadable extends Error {}

const EMPTY: XlsxValue = { kind: 'empty' };

// ---- XML, as far as these parts need it ----

interface Tag {
  /** Local name, without its namespace prefix. */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attributes: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new XlsxUnreadable(`invalid character reference ${whole}`);
      return String.fromCodePoint(code);
    }
    const named = ENTITIES[ref];
    if (named === undefined) throw new XlsxUnreadable(`unknown entity ${whole}`);
    return named;
  });
}

const attributePatterns = new Map<string, RegExp>();

/** The value of attribute `name`, unprefixed (or `prefix:` given with it), in a tag's attribute text. */
function attribute(attributes: string, name: string): string | undefined {
  let pattern = attributePatterns.get(name);
  if (pattern === undefined) {
    pattern = new RegExp(`(?:^|\\s)${name.replace(/[.:]/g, '\\$&')}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`);
    attributePatterns.set(name, pattern);
  }
  const at = pattern.exec(attributes);
  return at ? decode(at[1] ?? at[2] ?? '') : undefined;
}

/** The attribute whose local name is `local`, whatever its prefix (the relationship id is `r:id` by convention only). */
function prefixedAttribute(attributes: string, local: string): string | undefined {
  const at = new RegExp(`(?:^|\\s)[\\w.-]+:${local}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(attributes);
  return at ? decode(at[1] ?? at[2] ?? '') : undefined;
}

// A tag's attributes may hold a quoted ">" (a number format's condition, "[>=100]0").
const TOKEN = /<(\/?)([\w.-]+:)?([\w.-]+)((?:[^>"'\/]|"[^"]*"|'[^']*'|\/(?!>))*)(\/?)>|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<!([^>]*)>|([^<]+)/g;

/**
 * Walks an XML text: `onTag` for each element tag, `onText` for character data (decoded). A
 * document type declaration is refused: nothing in a workbook needs one, and its entities are a
 * way to make a small file expand.
 */
function walk(xml: string, onTag: (tag: Tag) => void, onText: (text: string) => void): void {
  TOKEN.lastIndex = 0;
  let end = 0;
  for (let m = TOKEN.exec(xml); m !== null; m = TOKEN.exec(xml)) {
    if (m.index !== end) throw new XlsxUnreadable('malformed XML');
    end = TOKEN.lastIndex;
    if (m[3] !== undefined) onTag({ name: m[3], closing: m[1] === '/', selfClosing: m[5] === '/', attributes: m[4]! });
    else if (m[6] !== undefined) onText(m[6]);
    else if (m[7] !== undefined) throw new XlsxUnreadable('a workbook part declares a document type');
    else if (m[8] !== undefined) onText(decode(m[8]));
  }
  if (end !== xml.length) throw new XlsxUnreadable('malformed XML');
}

// ---- the zip's parts ----

function partReader(bytes: Buffer, entries: readonly ZipEntry[]) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return (name: string): string | null => {
    const e = byName.get(name);
    if (!e) return null;
    let text = inflateEntry(bytes, e).toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return text;
  };
}

/** A relationship's target, as a part name: relative to the part's folder, or absolute from the package's root. */
function resolveTarget(folder: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : `${folder}/${target}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

function relationships(xml: string | null, folder: string): Map<string, { type: string; target: string }> {
  const out = new Map<string, { type: string; target: string }>();
  if (xml === null) return out;
  walk(xml, (tag) => {
    if (tag.closing || tag.name !== 'Relationship') return;
    const id = attribute(tag.attributes, 'Id');
    const target = attribute(tag.attributes, 'Target');
    if (id && target && attribute(tag.attributes, 'TargetMode') !== 'External') out.set(id, { type: attribute(tag.attributes, 'Type') ?? '', target: resolveTarget(folder, target) });
  }, () => {});
  return out;
}

// ---- number formats ----

/** The built-in formats that read as dates (ECMA-376 §18.8.30, as the library above lists them). */
const BUILT_IN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** A format with date or time characters outside its quoted text and bracketed sections. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** Which cell styles (`s`, an index into cellXfs) format their number as a date. */
function dateStyles(xml: string | null): boolean[] {
  const out: boolean[] = [];
  if (xml === null) return out;
  const custom = new Map<number, string>();
  let inCellXfs = false;
  walk(xml, (tag) => {
    if (tag.name === 'numFmt' && !tag.closing) {
      const id = Number(attribute(tag.attributes, 'numFmtId'));
      const code = attribute(tag.attributes, 'formatCode');
      if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
    } else if (tag.name === 'cellXfs') {
      inCellXfs = !tag.closing && !tag.selfClosing;
    } else if (tag.name === 'xf' && inCellXfs && !tag.closing) {
      const id = Number(attribute(tag.attributes, 'numFmtId') ?? 0);
      const code = custom.get(id);
      out.push(code !== undefined ? isDateFormat(code) : BUILT_IN_DATE_FORMATS.has(id));
    }
  }, () => {});
  return out;
}

// ---- strings ----

/**
 * The text of each shared string: its runs joined, phonetic readings (`rPh`) left out (an inline
 * string's `is` element is read by the same rule in worksheet()).
 */
function sharedStrings(xml: string | null): string[] {
  const out: string[] = [];
  if (xml === null) return out;
  let current: string[] | null = null;
  let inText = false;
  let phonetic = 0;
  walk(xml, (tag) => {
    if (tag.name === 'si') {
      if (tag.selfClosing) out.push('');
      else if (!tag.closing) current = [];
      else { out.push(current?.join('') ?? ''); current = null; }
    } else if (tag.name === 'rPh') {
      if (!tag.selfClosing) phonetic += tag.closing ? -1 : 1;
    } else if (tag.name === 't') {
      inText = !tag.closing && !tag.selfClosing && phonetic === 0;
    }
  }, (text) => { if (inText && current) current.push(text); });
  return out;
}

// ---- worksheets ----

/** Column letters as spreadsheets show them: 1 → A, 27 → AA (the inverse of columnOf). */
export function columnLetter(index: number): string {
  let s = '';
  for (let n = index; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** `B12` → 2; null when the reference has no column letters. */
function columnOf(ref: string): number | null {
  let col = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return i === 0 ? null : col;
}

/** Days since 1899-12-30 (or 1904-01-01) as the instant the library above gives. */
const excelToDate = (serial: number, date1904: boolean) => new Date(Math.round((serial - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));

function worksheet(xml: string, name: string, state: XlsxWorksheet['state'], strings: string[], dates: boolean[], date1904: boolean, onRow?: (row: XlsxRow) => void): XlsxWorksheet {
  const rows = new Map<number, XlsxRow>();
  const merges: string[] = [];
  let row: XlsxRow | null = null;
  let lastRow = 0;
  let lastColumn = 0;
  // The cell being read
  let cell: { column: number; type: string; style: number } | null = null;
  let value: string | null = null;
  let formula: string | null = null;
  let inline: string[] | null = null;
  let capture: 'v' | 'f' | 't' | null = null;
  let phonetic = 0;

  const finishCell = () => {
    const c = cell!;
    let out: XlsxValue;
    if (formula !== null) out = { kind: 'formula', formula };
    else if (c.type === 'inlineStr') out = { kind: 'text', text: inline?.join('') ?? '' };
    else if (value === null || value === '') out = EMPTY;
    else if (c.type === 's') {
      const text = strings[Number(value)];
      if (text === undefined) throw new XlsxUnreadable(`cell ${name}!${c.column} names shared string ${value}, which the workbook lacks`);
      out = { kind: 'text', text };
    } else if (c.type === 'str') out = { kind: 'text', text: value };
    else if (c.type === 'b') out = { kind: 'boolean', value: value.trim() === '1' || value.trim() === 'true' };
    else if (c.type === 'e') out = { kind: 'error', text: value };
    else if (c.type === 'd') {
      const when = new Date(value);
      out = Number.isNaN(when.getTime()) ? { kind: 'error', text: `invalid date ${value}` } : { kind: 'date', value: when };
    } else {
      const n = parseFloat(value);
      out = dates[c.style] === true && Number.isFinite(n) ? { kind: 'date', value: excelToDate(n, date1904) } : { kind: 'number', value: n };
    }
    if (out.kind !== 'empty' && !(out.kind === 'text' && out.text === '')) row!.cells.set(c.column, out);
    cell = null;
    // Text after the cell belongs to none of its elements, even where one of them was left open.
    capture = null;
  };

  walk(xml, (tag) => {
    switch (tag.name) {
      case 'row': {
        if (tag.closing) { if (row && onRow) onRow(row); row = null; return; }
        const number = Number(attribute(tag.attributes, 'r') ?? lastRow + 1);
        if (!Number.isInteger(number) || number < 1) throw new XlsxUnreadable(`row number ${attribute(tag.attributes, 'r')} is not a row number`);
        const hidden = attribute(tag.attributes, 'hidden');
        row = { number, hidden: hidden === '1' || hidden === 'true', cells: new Map() };
        if (!onRow) rows.set(number, row);
        lastRow = number;
        lastColumn = 0;
        if (tag.selfClosing) { onRow?.(row); row = null; }
        return;
      }
      case 'c': {
        if (tag.closing) { if (cell) finishCell(); return; }
        if (!row) throw new XlsxUnreadable('a cell outside a row');
        if (cell) throw new XlsxUnreadable('a cell inside a cell');
        const ref = attribute(tag.attributes, 'r');
        const column = (ref !== undefined ? columnOf(ref) : null) ?? lastColumn + 1;
        lastColumn = column;
        cell = { column, type: attribute(tag.attributes, 't') ?? 'n', style: Number(attribute(tag.attributes, 's') ?? 0) };
        value = null;
        formula = null;
        inline = null;
        if (tag.selfClosing) finishCell();
        return;
      }
      case 'v':
        if (tag.selfClosing) { if (!tag.closing && cell) value = ''; return; }
        capture = tag.closing ? null : 'v';
        if (!tag.closing && cell) value = '';
        return;
      case 'f':
        if (!cell || tag.closing) { capture = null; return; }
        formula = '';
        capture = tag.selfClosing ? null : 'f';
        return;
      case 'is':
        if (cell && !tag.closing) inline = [];
        return;
      case 'rPh':
        if (!tag.selfClosing) phonetic += tag.closing ? -1 : 1;
        return;
      case 't':
        capture = !tag.closing && !tag.selfClosing && inline !== null && phonetic === 0 ? 't' : null;
        return;
      case 'mergeCell': {
        const ref = attribute(tag.attributes, 'ref');
        if (!tag.closing && ref) merges.push(ref);
        return;
      }
      default:
    }
  }, (text) => {
    if (capture === 'v') value += text;
    else if (capture === 'f') formula += text;
    else if (capture === 't') inline!.push(text);
  });
  return { name, state, rows, merges };
}

/**
 * One worksheet's rows handed over as they are read, instead of kept: `choose` picks it among the
 * workbook's (in its order; none, and every worksheet is kept), `start` is given every other
 * worksheet (read first, whatever the order) and returns what receives each row, in the file's
 * order, once its cells are read. That worksheet is returned with no rows. A row the receiver keeps
 * nothing of is garbage as soon as it returns: a 10 000-row worksheet kept whole is ~11 MB that
 * lives through the read.
 */
export interface XlsxRowStream {
  choose(sheets: ReadonlyArray<{ name: string; state: XlsxWorksheet['state'] }>): string | undefined;
  start(others: readonly XlsxWorksheet[], date1904: boolean): (row: XlsxRow) => void;
}

/** Reads the workbook whose zip `entries` (checked) are in `bytes`. */
export function readXlsx(bytes: Buffer, entries: readonly ZipEntry[], stream?: XlsxRowStream): XlsxWorkbook {
  const part = partReader(bytes, entries);
  const rootRels = relationships(part('_rels/.rels'), '');
  const bookPath = [...rootRels.values()].find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const bookXml = part(bookPath);
  if (bookXml === null) throw new XlsxUnreadable(`the workbook part ${bookPath} is missing`);
  const folder = bookPath.includes('/') ? bookPath.slice(0, bookPath.lastIndexOf('/')) : '';
  const bookRels = relationships(part(`${folder ? `${folder}/` : ''}_rels/${bookPath.slice(folder ? folder.length + 1 : 0)}.rels`), folder);
  const partOfType = (type: string, fallback: string) => [...bookRels.values()].find((r) => r.type.endsWith(`/${type}`))?.target ?? fallback;

  let date1904 = false;
  const sheets: Array<{ name: string; state: XlsxWorksheet['state']; path: string | undefined }> = [];
  walk(bookXml, (tag) => {
    if (tag.closing) return;
    if (tag.name === 'workbookPr') {
      const v = attribute(tag.attributes, 'date1904');
      date1904 = v === '1' || v === 'true';
    } else if (tag.name === 'sheet') {
      const state = attribute(tag.attributes, 'state');
      const id = prefixedAttribute(tag.attributes, 'id');
      sheets.push({
        name: attribute(tag.attributes, 'name') ?? '',
        state: state === 'hidden' || state === 'veryHidden' ? state : 'visible',
        path: id !== undefined ? bookRels.get(id)?.target : undefined,
      });
    }
  }, () => {});
  const strings = sharedStrings(part(partOfType('sharedStrings', resolveTarget(folder, 'sharedStrings.xml'))));
  const dates = dateStyles(part(partOfType('styles', resolveTarget(folder, 'styles.xml'))));
  const read = (s: (typeof sheets)[number], onRow?: (row: XlsxRow) => void) => {
    const xml = s.path !== undefined ? part(s.path) : null;
    if (xml === null) throw new XlsxUnreadable(`worksheet ${s.name} has no part`);
    return worksheet(xml, s.name, s.state, strings, dates, date1904, onRow);
  };
  const streamed = stream ? sheets.findIndex((s) => s.name === stream.choose(sheets)) : -1;
  const worksheets: XlsxWorksheet[] = [];
  sheets.forEach((s, k) => { if (k !== streamed) worksheets.push(read(s)); });
  if (streamed >= 0) worksheets.splice(streamed, 0, read(sheets[streamed]!, stream!.start(worksheets.slice(), date1904)));
  return { date1904, worksheets };
}
