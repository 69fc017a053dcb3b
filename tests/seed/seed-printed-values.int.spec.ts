import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDatedLabel, parseDated, parseDatedFr } from '#domain';

/*
 * The seed files give each date and figure as printed: a report's `observed`, a target's `due` and
 * `horizon`, a milestone's `reached`, and the qualifiers. Each is checked against the words of its
 * quote (or, for a table row, of the table's caption just above it in the document).
 */
const seedDir = join(process.cwd(), 'seeds', 'scoran-centre-val-de-loire');
const load = (name: string): unknown => JSON.parse(readFileSync(join(seedDir, name), 'utf8'));
const source = readFileSync(join(seedDir, 'source', 'scoran-v4-2023-06.txt'), 'utf8').split('\n').map((l) => l.replace(/\*+/g, '').replace(/\s+/g, ' ').trim());

interface Provenance { section: string; quote: string }
type Node = Record<string, unknown> & { provenance?: Provenance };
function collect(node: unknown, test: (n: Node) => boolean, out: Node[] = []): Node[] {
  if (Array.isArray(node)) node.forEach((n) => collect(n, test, out));
  else if (node && typeof node === 'object') {
    if (test(node as Node)) out.push(node as Node);
    Object.values(node).forEach((v) => collect(v, test, out));
  }
  return out;
}
const files = ['sheets-v4.json', 'infrastructure.json', 'v3-figures.json'].map(load);
const reports = files.flatMap((f) => collect(f, (n) => 'observedOn' in n && 'value' in n));
const targets = files.flatMap((f) => collect(f, (n) => 'by' in n && 'value' in n));
const reached = files.flatMap((f) => collect(f, (n) => 'reachedOn' in n));

const MONTHS = 'janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre';
const PHRASES = [
  /\bT[1-4] \d{4}/g,
  /\b(?:1er|\d+e|premier|deuxième|troisième|quatrième) trimestre (?:de )?\d{4}/gi,
  /\b(?:fin|début|mi-?) \d{4}/gi,
  /\b\d{2}\/\d{2}\/\d{4}/g,
  new RegExp(`\\b(?:${MONTHS}) \\d{4}`, 'gi'),
  /\b\d{4}\b/g,
];
/** Every date the words print, as dated labels. */
function printedDates(text: string): string[] {
  const out: string[] = [];
  for (const re of PHRASES) for (const m of text.matchAll(re)) { const d = parseDatedFr(m[0]); if (d) out.push(d.label); }
  return out;
}
/**
 * The dates printed by the nearest dated line above the quote in the document: a row of Annexe 2's
 * table is dated by the row it follows ("T1 2023", "2025"), the mobile figures by their caption
 * ("au 31/12/2022").
 */
function datesAbove(p: Provenance): string[] {
  const line = source.findIndex((l) => l.includes(p.quote.slice(0, 60)));
  for (let k = line - 1; k >= Math.max(0, line - 6); k--) {
    const dates = printedDates(source[k]!);
    if (dates.length) return dates;
  }
  return [];
}

describe('seed files: dates and figures as printed', () => {
  it('every report gives its date as printed, and observedOn is its last day', () => {
    expect(reports.length).toBeGreaterThan(50);
    for (const r of reports) {
      const observed = r.observed as string;
      expect(isDatedLabel(observed)).toBe(true);
      expect(parseDated(observed).end).toBe(r.observedOn);
      // A figure of Annexe 2's table is dated by its row's head ("T1 2023") on the line above.
      const printed = printedDates(r.provenance!.quote);
      const dates = printed.length ? printed : datesAbove(r.provenance!);
      expect({ observed, printed: dates.includes(observed) }).toEqual({ observed, printed: true });
    }
  });

  it('reads "T1 2023" as a quarter, "fin 2022" as the end of a year, "au 07/06/2023" as a day', () => {
    const observedOf = (quote: string) => [...new Set(reports.filter((r) => r.provenance!.quote.includes(quote)).map((r) => r.observed))];
    expect(observedOf('Zones privées (zones très denses et zones AMII) T1 2023')).toEqual(['2023-Q1']);
    expect(observedOf('Fin 2022, 690 communes')).toEqual(['2022-late']);
    expect(observedOf('au 07/06/2023')).toEqual(['2023-06-07']);
    expect(observedOf("au quatrième trimestre de 2018")).toEqual(['2018-Q4']);
  });

  it('a qualifier is the words before the figure: "environ", "plus de", "un peu plus de"', () => {
    const words = { about: /environ/i, more_than: /(?<!un peu )plus de/i, slightly_more_than: /un peu plus de/i } as Record<string, RegExp>;
    const qualified = reports.filter((r) => r.qualifier);
    expect(qualified.map((r) => [r.value, r.qualifier])).toEqual([[2500, 'more_than'], [44, 'about'], [80, 'slightly_more_than']]);
    for (const r of qualified) expect(r.provenance!.quote).toMatch(words[r.qualifier as string]!);
  });

  it('every target gives its due date as printed (or none), by is its last day, and its horizon is in the quote', () => {
    expect(targets.length).toBeGreaterThan(50);
    for (const t of targets) {
      if (t.due === null) { expect(t.by).toBeNull(); continue; }
      expect(parseDated(t.due as string).end).toBe(t.by);
      if (t.horizon) expect(t.provenance!.quote).toContain(t.horizon as string);
      else {
        const printed = printedDates(t.provenance!.quote);
        expect(printed.length ? printed : datesAbove(t.provenance!)).toContain(t.due);
      }
    }
    expect(targets.filter((t) => t.due === null)).toHaveLength(3);
  });

  it('every milestone reached gives its date as printed, stated by the V4 document', () => {
    expect(reached.length).toBe(9);
    for (const m of reached) {
      expect(parseDated(m.reached as string).end).toBe(m.reachedOn);
      expect(m.statedOn).toBe('2023-06-26');
      expect(printedDates(m.provenance!.quote)).toContain(m.reached);
    }
    expect(reached.map((m) => m.reached)).toEqual(['2021-03', '2021', '2022', '2021', '2022-04', '2023', '2022-Q3', '2023-02', '2021-late']);
  });
});
