import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';

/**
 * Readers written by others than the writers under test: Info-ZIP's unzip and poppler's pdftotext and pdftohtml.
 * A missing tool is a failure, not a skip: a skipped document test would pass a broken document.
 */
const TOOLS = { unzip: { args: ['-v'], debian: 'unzip' }, pdftotext: { args: ['-v'], debian: 'poppler-utils' }, pdftohtml: { args: ['-v'], debian: 'poppler-utils' } } as const;

export function requireTools(...names: Array<keyof typeof TOOLS>): void {
  for (const name of names) {
    try {
      execFileSync(name, TOOLS[name].args, { stdio: 'ignore' });
    } catch (err) {
      throw new Error(`${name} is needed to read the documents back (${(err as Error).message}): apt-get install ${TOOLS[name].debian}`);
    }
  }
}

function withFile<T>(bytes: Uint8Array, name: string, read: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-doc-'));
  try {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return read(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One entry of a ZIP, extracted by `unzip -p`. */
export const unzipEntry = (zip: Uint8Array, entry: string): string =>
  withFile(zip, 'document.zip', (path) => execFileSync('unzip', ['-p', path, entry], { encoding: 'utf8', maxBuffer: 64 << 20 }));

/** The entries of a ZIP in their stored order, as `unzip -Z1` lists them. */
export const zipListing = (zip: Uint8Array): string[] =>
  withFile(zip, 'document.zip', (path) => execFileSync('unzip', ['-Z1', path], { encoding: 'utf8' }).split('\n').filter(Boolean));

/** The text of a PDF as poppler lays it out (`pdftotext -layout`). */
export const pdfText = (pdf: Uint8Array): string =>
  withFile(pdf, 'document.pdf', (path) => execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }));

/** Each run of text of a PDF with its font's full name and size, as poppler reads them (`pdftohtml -xml -fontfullname`; sizes at its 1.5 zoom). */
export function pdfTextRuns(pdf: Uint8Array): Array<{ text: string; family: string; size: number }> {
  const xml = withFile(pdf, 'document.pdf', (path) => execFileSync('pdftohtml', ['-xml', '-fontfullname', '-i', '-q', '-stdout', '-enc', 'UTF-8', path], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  const fonts = new Map<string, { family: string; size: number }>();
  for (const m of xml.matchAll(/<fontspec id="(\d+)" size="([\d.]+)" family="([^"]*)"/g)) fonts.set(m[1]!, { family: m[3]!, size: Number(m[2]) });
  return [...xml.matchAll(/<text [^>]*font="(\d+)"[^>]*>(.*?)<\/text>/g)].map((m) => ({ text: m[2]!.replace(/<[^>]+>/g, ''), ...fonts.get(m[1]!)! }));
}

export const parseXml = (xml: string): unknown =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false }).parse(xml);

/** Every element named `tag`, at any depth, in document order within each parent. */
export function elements(node: unknown, tag: string): any[] {
  const out: any[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) { n.forEach(visit); return; }
    if (n === null || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) {
      if (k === tag) out.push(...(Array.isArray(v) ? v : [v]));
      if (!k.startsWith('@')) visit(v);
    }
  };
  visit(node);
  return out;
}

/** The text under a node: its text children and its descendants', concatenated (attributes left out). */
export function textOf(node: unknown): string {
  if (node === null || node === undefined) return '';
  if (typeof node !== 'object') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  return Object.entries(node).filter(([k]) => !k.startsWith('@')).map(([, v]) => textOf(v)).join('');
}
