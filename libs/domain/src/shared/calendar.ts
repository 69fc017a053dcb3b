import { invalid } from './domain-error.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD (2023-02-30 is not one). */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= daysInMonth(y, m);
}

/**
 * The years a roadmap's dates may fall in: a report observed in year 0 or a milestone due in 9999 is
 * a typing error, not a plan. Applies to what commands and queries are given, not to the calendar.
 */
export const TRACKED_YEARS = { first: 1900, last: 2100 } as const;

/** A calendar date within the tracked years. */
export function isTrackedDate(value: unknown): value is string {
  if (!isCalendarDate(value)) return false;
  const year = Number(value.slice(0, 4));
  return year >= TRACKED_YEARS.first && year <= TRACKED_YEARS.last;
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Computed by hand: Date.UTC reads years 0–99 as 1900–1999, which would make 0000-02-29 unknown. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS[month - 1]!;
}

export function assertCalendarDate(field: string, value: unknown): string {
  if (!isCalendarDate(value)) throw invalid('invalid_date', `${field} must be a real calendar date (YYYY-MM-DD)`, { field });
  if (!isTrackedDate(value)) throw invalid('date_out_of_range', `${field} must fall between ${TRACKED_YEARS.first} and ${TRACKED_YEARS.last}`, { field });
  return value;
}

/** The calendar day (UTC) of an ISO timestamp. */
export function dayOf(timestamp: string): string {
  return timestamp.slice(0, 10);
}

const pad = (n: number) => String(n).padStart(2, '0');
export const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
