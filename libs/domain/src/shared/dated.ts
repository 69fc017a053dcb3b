import { daysInMonth, ymd } from './calendar.js';
import { invalid } from './domain-error.js';
import { isPeriod, parsePeriod } from './period.js';

/**
 * A date as precise as the document prints it, and no more: "le 26 juin 2023" is a day, "en mars
 * 2021" a month, "T1 2023" a quarter, "1er semestre 2023" a half, "en 2023" a year, "fin 2023" the
 * late part of a year, "au printemps 2023" a season, "2023-2025" a range, "à partir de 2024" a range
 * open at its end, "après 2023" a range open at its end that starts once 2023 is over. It extends
 * the due periods of period.ts (same labels for what both know) with the parts, seasons and open
 * ends a period cannot hold.
 *
 * Labels: a point is `2023`, `2023-S2`, `2023-Q4`, `2023-06`, `2023-06-26`, `2023-late` ("fin 2023"),
 * `2024-early` ("début 2024"), `2023-mid` ("mi-2023"), the same parts of a month (`2023-10-mid` =
 * "mi-octobre 2023"), or `2023-spring|summer|autumn`; a range is `A/B`, where either end may be `..`
 * (open), as in ISO 8601-2 / EDTF.
 *
 * Parts are conventions, since the words are vague; they are chosen so that a part never reaches
 * beyond what its words can mean:
 * - of a year: "début" = its first quarter, "fin" = its last quarter, "mi-" = June and July. The
 *   document supports "fin" = last quarter: sheet 2.1 plans "une CRSN fin 2023" in its context and
 *   "au quatrième trimestre" in its calendar;
 * - of a month: "début" = days 1–10, "mi-" = 11–20, "fin" = 21 to the last day (the French décades);
 * - seasons, astronomical and rounded to fixed days: spring 20 March – 20 June, summer 21 June –
 *   22 September, autumn 23 September – 20 December (winter straddles two years and is not printed).
 */
export type DatePrecision = 'day' | 'month' | 'quarter' | 'half' | 'year' | 'season';
export type DatePart = 'early' | 'mid' | 'late';
export type Season = 'spring' | 'summer' | 'autumn';

export interface DatedPoint {
  label: string;
  precision: DatePrecision;
  part: DatePart | null;
  /** First and last calendar day (inclusive) the printed words can mean. */
  start: string;
  end: string;
}

export interface Dated {
  label: string;
  /** `from` and `to` are the same point for a single date; either is null at an open end of a range. */
  from: DatedPoint | null;
  to: DatedPoint | null;
  /** First and last day covered; null at an open end. */
  start: string | null;
  end: string | null;
  /** `>A/..`: the range begins once `from` is over ("après 2023"); absent otherwise. */
  after?: true;
}

const PART = /^(\d{4})(?:-(0[1-9]|1[0-2]))?-(early|mid|late)$/;
const SEASON = /^(\d{4})-(spring|summer|autumn)$/;
const SEASON_DAYS: Record<Season, [string, string]> = { spring: ['03-20', '06-20'], summer: ['06-21', '09-22'], autumn: ['09-23', '12-20'] };

function precisionOfPeriodLabel(label: string): DatePrecision {
  if (/^\d{4}$/.test(label)) return 'year';
  if (/-S[12]$/.test(label)) return 'half';
  if (/-Q[1-4]$/.test(label)) return 'quarter';
  if (/^\d{4}-\d{2}$/.test(label)) return 'month';
  return 'day';
}

function partBounds(year: number, month: number | null, part: DatePart): [string, string] {
  if (month === null) {
    if (part === 'early') return [ymd(year, 1, 1), ymd(year, 3, 31)];
    if (part === 'mid') return [ymd(year, 6, 1), ymd(year, 7, 31)];
    return [ymd(year, 10, 1), ymd(year, 12, 31)];
  }
  if (part === 'early') return [ymd(year, month, 1), ymd(year, month, 10)];
  if (part === 'mid') return [ymd(year, month, 11), ymd(year, month, 20)];
  return [ymd(year, month, 21), ymd(year, month, daysInMonth(year, month))];
}

function tryPoint(label: string): DatedPoint | null {
  let m: RegExpExecArray | null;
  if ((m = PART.exec(label))) {
    const month = m[2] ? Number(m[2]) : null;
    const [start, end] = partBounds(Number(m[1]), month, m[3] as DatePart);
    return { label, precision: month === null ? 'year' : 'month', part: m[3] as DatePart, start, end };
  }
  if ((m = SEASON.exec(label))) {
    const [from, to] = SEASON_DAYS[m[2] as Season];
    return { label, precision: 'season', part: null, start: `${m[1]}-${from}`, end: `${m[1]}-${to}` };
  }
  if (label.includes('/') || !isPeriod(label)) return null;
  const { start, end } = parsePeriod(label);
  return { label, precision: precisionOfPeriodLabel(label), part: null, start, end };
}

function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (d < daysInMonth(y, m)) return ymd(y, m, d + 1);
  return m < 12 ? ymd(y, m + 1, 1) : ymd(y + 1, 1, 1);
}

function tryDated(label: string): Dated | null {
  if (typeof label !== 'string' || label.length > 40) return null;
  const parts = label.split('/');
  if (parts.length === 1) {
    const point = tryPoint(label);
    return point && { label, from: point, to: point, start: point.start, end: point.end };
  }
  if (parts.length !== 2) return null;
  const [a, b] = parts as [string, string];
  if (a === '..' && b === '..') return null;
  if (a.startsWith('>')) {
    // Only an open end can follow "après": "après 2023 et jusqu'en 2025" is not a form the document uses.
    const point = b === '..' ? tryPoint(a.slice(1)) : null;
    return point && { label, from: point, to: null, start: nextDay(point.end), end: null, after: true };
  }
  const from = a === '..' ? null : tryPoint(a);
  const to = b === '..' ? null : tryPoint(b);
  if ((a !== '..' && !from) || (b !== '..' && !to)) return null;
  if (from && to && to.end < from.start) return null;
  return { label, from, to, start: from?.start ?? null, end: to?.end ?? null };
}

export function isDatedLabel(label: unknown): label is string {
  return typeof label === 'string' && tryDated(label) !== null;
}

export function parseDated(label: string, field = 'date'): Dated {
  const dated = tryDated(label);
  if (!dated) {
    throw invalid('invalid_dated', `${field} must be a date as printed: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, YYYY[-MM]-early|mid|late, YYYY-spring|summer|autumn, a range A/B with .. for an open end, or >A/.. (after A)`, { field });
  }
  return dated;
}

/** Single points and closed ranges keep the precision of their coarsest end; open ranges have none. */
export function precisionOf(dated: Dated): DatePrecision | null {
  if (!dated.from || !dated.to) return null;
  const order: DatePrecision[] = ['day', 'month', 'season', 'quarter', 'half', 'year'];
  return order[Math.max(order.indexOf(dated.from.precision), order.indexOf(dated.to.precision))]!;
}

// ---- Comparing: dates are intervals of days ------------------------------------------------------

/** Orders by first day, then last day; an open start sorts first, an open end last. */
export function compareDated(a: Dated, b: Dated): number {
  const s = cmp(a.start ?? '', b.start ?? '');
  if (s !== 0) return s;
  return cmp(a.end ?? '\uffff', b.end ?? '\uffff');
}
const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** True when every day of `a` is before every day of `b`. */
export function isBefore(a: Dated, b: Dated): boolean {
  return a.end !== null && b.start !== null && a.end < b.start;
}

export function overlaps(a: Dated, b: Dated): boolean {
  return !isBefore(a, b) && !isBefore(b, a);
}

export function containsDay(dated: Dated, day: string): boolean {
  return (dated.start === null || dated.start <= day) && (dated.end === null || day <= dated.end);
}

/**
 * Valid time: a fact dated by an interval is shown as of a day only once the whole interval has
 * passed (`end <= asOf`). A figure "en 2023" may have been observed on any day of 2023, so as of
 * 2023-06-30 nothing says it was already true; showing it from its first day would let a query see
 * a value before it could have existed, and from any day in between would be a guess. The cost is a
 * delay, never a claim the document does not make. Open-ended facts are never fully past.
 */
export function isKnownAsOf(dated: Dated, asOf: string): boolean {
  return dated.end !== null && dated.end <= asOf;
}

/**
 * A past event stated in a document can have happened no later than the document: "a bénéficié en
 * 2023 d'une refonte", printed on 2023-06-26, happened between 2023-01-01 and 2023-06-26. The
 * interval's end is cut back to the statement day; with isKnownAsOf, the fact is visible from the
 * day it was stated, not from 2023-12-31.
 */
export function statedOn(dated: Dated, day: string): Dated {
  if (dated.end !== null && dated.end <= day) return dated;
  if (dated.start !== null && dated.start > day) {
    throw invalid('dated_after_statement', `a past event dated ${dated.label} cannot be stated on ${day}`, { label: dated.label, day });
  }
  return { ...dated, end: day };
}

// ---- French, as the document prints it -----------------------------------------------------------

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const SEASON_FR: Record<Season, string> = { spring: 'printemps', summer: 'été', autumn: 'automne' };
const ordinal = (n: number) => (n === 1 ? '1er' : `${n}e`);

/** The point without its preposition: "2023", "mars 2021", "4e trimestre 2023", "26 juin 2023", "fin 2023". */
function bare(point: DatedPoint): string {
  const [y, m, d] = point.label.split('-');
  if (point.part) {
    const word = point.part === 'early' ? 'début' : point.part === 'late' ? 'fin' : 'mi-';
    const what = point.precision === 'month' ? `${MONTHS[Number(m) - 1]} ${y}` : y!;
    return word === 'mi-' ? `mi-${what}` : `${word} ${what}`;
  }
  switch (point.precision) {
    case 'year': return y!;
    case 'half': return `${ordinal(Number(m!.slice(1)))} semestre ${y}`;
    case 'quarter': return `${ordinal(Number(m!.slice(1)))} trimestre ${y}`;
    case 'month': return `${MONTHS[Number(m) - 1]} ${y}`;
    case 'season': return `${SEASON_FR[m as Season]} ${y}`;
    default: return `${Number(d) === 1 ? '1er' : Number(d)} ${MONTHS[Number(m) - 1]} ${y}`;
  }
}

/** "en 2023", "en mars 2021", "au 4e trimestre 2023", "le 26 juin 2023", "fin 2023", "au printemps 2023". */
function withPreposition(point: DatedPoint): string {
  if (point.part) return bare(point);
  switch (point.precision) {
    case 'year':
    case 'month': return `en ${bare(point)}`;
    case 'half':
    case 'quarter': return `au ${bare(point)}`;
    case 'season': return point.label.endsWith('spring') ? `au ${bare(point)}` : `en ${bare(point)}`;
    default: return `le ${bare(point)}`;
  }
}

/** "jusqu'en 2024", "jusqu'au 4e trimestre 2024", "jusqu'à fin 2024", "jusqu'à l'été 2024". */
function until(point: DatedPoint): string {
  if (point.part) return `jusqu'à ${bare(point)}`;
  if (point.precision === 'year' || point.precision === 'month') return `jusqu'en ${bare(point)}`;
  if (point.precision === 'season' && !point.label.endsWith('spring')) return `jusqu'à l'${bare(point)}`;
  return `jusqu'au ${bare(point)}`;
}

/** "à partir de 2024", "à partir du 4e trimestre 2024", "à partir de fin 2024", "à partir de l'été 2024". */
function onwards(point: DatedPoint): string {
  if (point.part || point.precision === 'year' || point.precision === 'month') return `à partir de ${bare(point)}`;
  if (point.precision === 'season' && !point.label.endsWith('spring')) return `à partir de l'${bare(point)}`;
  return `à partir du ${bare(point)}`;
}

/**
 * The date in French, as the document prints it. An uncertain date ("au quatrième trimestre ?")
 * keeps its question mark: `{ uncertain: true }`.
 */
export function formatDatedFr(dated: Dated, options: { uncertain?: boolean } = {}): string {
  const text = formatCertainFr(dated);
  return options.uncertain ? `${text} ?` : text;
}

function formatCertainFr(dated: Dated): string {
  const { from: a, to: b } = dated;
  if (dated.after && a) return `après ${bare(a)}`;
  if (a && b && a.label === b.label) return withPreposition(a);
  if (a && !b) return onwards(a);
  if (!a && b) return until(b);
  // A closed range: "de juin à septembre 2023" when both months share their year, else both in full.
  if (a!.precision === 'month' && b!.precision === 'month' && !a!.part && !b!.part && a!.label.slice(0, 4) === b!.label.slice(0, 4)) {
    return `de ${MONTHS[Number(a!.label.slice(5, 7)) - 1]} à ${bare(b!)}`;
  }
  if (a!.precision === 'year' && b!.precision === 'year' && !a!.part && !b!.part) return `de ${bare(a!)} à ${bare(b!)}`;
  const start = bare(a!);
  const deOrD = /^[aeéiou]/.test(start) ? `d'${start}` : a!.precision === 'day' || a!.precision === 'quarter' || a!.precision === 'half' ? `du ${start}` : `de ${start}`;
  const end = bare(b!);
  const toWord = b!.precision === 'day' || b!.precision === 'quarter' || b!.precision === 'half' ? `au ${end}` : `à ${end}`;
  return `${deOrD} ${toWord}`;
}

const MONTH_INDEX = new Map(MONTHS.map((m, i) => [m, i + 1]));
MONTH_INDEX.set('fev', 2).set('fév', 2).set('fevrier', 2).set('aout', 8).set('decembre', 12);
const ORDINALS: Record<string, number> = { '1er': 1, premier: 1, '1e': 1, '2e': 2, second: 2, deuxième: 2, '3e': 3, troisième: 3, '4e': 4, quatrième: 4 };
const pad = (n: number) => String(n).padStart(2, '0');

/** One printed point, without a range or an open end; null when the words are not a date. */
function parsePointFr(text: string): string | null {
  const t = text.toLowerCase().replace(/\s+/g, ' ').replace(/^(?:le|en|au|à|a|dès|dans le|pour le) /, '').trim();
  let m: RegExpMatchArray | null;
  if ((m = t.match(/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/))) return `${m[3]}-${pad(Number(m[2]))}-${pad(Number(m[1]))}`;
  if ((m = t.match(/^(1er|\d{1,2}) ([a-zéû]+) (\d{4})$/)) && MONTH_INDEX.has(m[2]!)) return `${m[3]}-${pad(MONTH_INDEX.get(m[2]!)!)}-${pad(m[1] === '1er' ? 1 : Number(m[1]))}`;
  if ((m = t.match(/^t([1-4]) (\d{4})$/))) return `${m[2]}-Q${m[1]}`;
  if ((m = t.match(/^(\S+) trimestre (?:de )?(\d{4})$/)) && ORDINALS[m[1]!]) return `${m[2]}-Q${ORDINALS[m[1]!]}`;
  if ((m = t.match(/^(\S+) semestre (?:de )?(\d{4})$/)) && ORDINALS[m[1]!] && ORDINALS[m[1]!]! <= 2) return `${m[2]}-S${ORDINALS[m[1]!]}`;
  if ((m = t.match(/^(début|debut|fin|mi-|mi) ?(?:([a-zéû]+) )?(\d{4})$/))) {
    const part = m[1]!.startsWith('d') ? 'early' : m[1] === 'fin' ? 'late' : 'mid';
    if (m[2] && !MONTH_INDEX.has(m[2])) return null;
    return m[2] ? `${m[3]}-${pad(MONTH_INDEX.get(m[2])!)}-${part}` : `${m[3]}-${part}`;
  }
  if ((m = t.match(/^(printemps|été|automne) (\d{4})$/))) return `${m[2]}-${({ printemps: 'spring', été: 'summer', automne: 'autumn' } as const)[m[1] as 'printemps']}`;
  if ((m = t.match(/^([a-zéû]+) (\d{4})$/)) && MONTH_INDEX.has(m[1]!)) return `${m[2]}-${pad(MONTH_INDEX.get(m[1]!)!)}`;
  if ((m = t.match(/^(\d{4})$/))) return m[1]!;
  return null;
}

/**
 * Reads a date the way the document prints one: "le 26 juin 2023", "au 07/06/2023", "en mars 2021",
 * "T1 2023", "au quatrième trimestre 2022", "2e semestre 2023", "en 2023", "fin 2023", "Début 2022",
 * "mi-octobre 2023", "au printemps 2023", "2023-2025", "2023/2024", "Juin – septembre 2023",
 * "Septembre 2023 – décembre 2024", "à partir de 2024", "2024 et ensuite", "jusqu'en 2024",
 * "d'ici 2030". Returns null for words that name no date (including a month without a year,
 * "mi-octobre": the document leaves the year unsaid, and so does the reading).
 */
export function parseDatedFr(text: string): Dated | null {
  const t = text.trim().replace(/\s+/g, ' ').replace(/\.$/, '');
  let m: RegExpMatchArray | null;
  const point = (s: string) => parsePointFr(s);
  const make = (label: string | null) => (label ? tryDated(label) : null);
  if ((m = t.match(/^(?:à partir (?:de|du) |dès |après )(.+)$/i))) {
    const p = point(m[1]!);
    if (!p) return null;
    // "après 2023" starts once 2023 is over, and still names 2023.
    return make(/^après/i.test(t) ? `>${p}/..` : `${p}/..`);
  }
  if ((m = t.match(/^(.+) et (?:ensuite|au-delà|après)$/i))) { const p = point(m[1]!); return p ? make(`${p}/..`) : null; }
  if ((m = t.match(/^(?:jusqu'(?:en|au|à) |d'ici (?:à )?|avant )(.+)$/i))) { const p = point(m[1]!); return p ? make(`../${p}`) : null; }
  const single = point(t);
  if (single) return make(single);
  if ((m = t.match(/^(?:de |du |d')(.+?) (?:à|au) (.+)$/i))) {
    const b = point(m[2]!);
    // "de juin à septembre 2023": the first end takes the year of the second.
    const a = point(m[1]!) ?? (b ? point(`${m[1]} ${b.slice(0, 4)}`) : null);
    return a && b ? make(`${a}/${b}`) : null;
  }
  if ((m = t.match(/^(\d{4}) ?[-–/] ?(\d{4})$/))) return make(`${m[1]}/${m[2]}`);
  if ((m = t.match(/^(.+) et (\d{4})$/))) { const p = point(m[1]!); return p ? make(`${p}/${m[2]}`) : null; }
  if ((m = t.match(/^([A-Za-zéû]+)\/([A-Za-zéû]+) (\d{4})$/))) {
    const a = point(`${m[1]} ${m[3]}`);
    const b = point(`${m[2]} ${m[3]}`);
    return a && b ? make(`${a}/${b}`) : null;
  }
  if ((m = t.match(/^([A-Za-zéû]+ \d{4}) ?- ?([A-Za-zéû]+ \d{4})$/))) {
    const a = point(m[1]!);
    const b = point(m[2]!);
    return a && b ? make(`${a}/${b}`) : null;
  }
  if ((m = t.match(/^([A-Za-zéû]+) ?[–-] ?([a-zéû]+) (\d{4})$/))) {
    const a = point(`${m[1]} ${m[3]}`);
    const b = point(`${m[2]} ${m[3]}`);
    return a && b ? make(`${a}/${b}`) : null;
  }
  if ((m = t.match(/^(.+?) ?[–] ?(.+)$/))) {
    const a = point(m[1]!);
    const b = point(m[2]!);
    return a && b ? make(`${a}/${b}`) : null;
  }
  return null;
}
