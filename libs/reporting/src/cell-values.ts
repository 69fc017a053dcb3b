import { isCalendarDate, ymd } from '#domain';

/**
 * Cell contents as pilots type them, read into the tracker's forms: days as YYYY-MM-DD, numbers as
 * numbers. Each reader answers null for something it cannot read without guessing.
 */

const FRENCH_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day written `31/03/2024` (day first, as in France) or `2024-03-31`; null otherwise, or for a day that does not exist. */
export function parseDayText(text: string): string | null {
  const t = text.trim();
  let m = FRENCH_DAY.exec(t);
  if (m) {
    const day = ymd(Number(m[3]), Number(m[2]), Number(m[1]));
    return isCalendarDate(day) ? day : null;
  }
  m = ISO_DAY.exec(t);
  if (m) return isCalendarDate(t) ? t : null;
  return null;
}

const MS_PER_DAY = 86_400_000;

/**
 * The day of an Excel serial date. In the 1900 system, serial 1 is 1 January 1900 and serial 60 the
 * 29 February 1900 that Lotus 1-2-3 believed in (Excel keeps it): from 61 on, day 0 is 30 December
 * 1899. In the 1904 system, day 0 is 1 January 1904. A fraction is a time of day, dropped.
 */
export function excelSerialToDay(serial: number, date1904 = false): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial >= 2_958_466) return null; // up to 31/12/9999
  const whole = Math.floor(serial + 1e-9);
  if (!date1904 && whole === 60) return null; // 29/02/1900 never was
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : whole < 60 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(epoch + whole * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The UTC day of a date a spreadsheet library read (dates without a zone are read as UTC), to the nearest second. */
export function dateToDay(date: Date): string | null {
  const t = date.getTime();
  if (Number.isNaN(t)) return null;
  return new Date(Math.round(t / 1000) * 1000).toISOString().slice(0, 10);
}

// Spaces that group thousands: space, no-break space, narrow no-break space (what French locales print).
const GROUPING = /[ \u00a0\u202f]/g;
const DECIMAL = /^[-+]?(\d+([.,]\d+)?|[.,]\d+)$/;

/** `12,5`, `12.5`, `1 234,5`, `-3`; null for anything else (`1.234,5` is refused: a dot and a comma cannot both be decimal). */
export function parseDecimalText(text: string): number | null {
  const t = text.trim().replace(GROUPING, '');
  if (!DECIMAL.test(t)) return null;
  const n = Number(t.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/** Quantity qualifiers, in the tracker's codes, and the words a pilot may write for them. */
export const QUALIFIERS = ['exact', 'about', 'more_than', 'at_least', 'less_than', 'at_most'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];
const QUALIFIER_WORDS: Record<string, Qualifier> = {
  exact: 'exact', exacte: 'exact', '=': 'exact',
  about: 'about', environ: 'about', env: 'about', 'env.': 'about', '~': 'about', '≈': 'about',
  more_than: 'more_than', 'plus de': 'more_than', '>': 'more_than',
  at_least: 'at_least', 'au moins': 'at_least', '>=': 'at_least', '≥': 'at_least',
  less_than: 'less_than', 'moins de': 'less_than', '<': 'less_than',
  at_most: 'at_most', 'au plus': 'at_most', '<=': 'at_most', '≤': 'at_most',
};

export function parseQualifier(text: string): Qualifier | null {
  return QUALIFIER_WORDS[text.trim().toLowerCase().replace(/\s+/g, ' ')] ?? null;
}
