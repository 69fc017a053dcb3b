import { daysInMonth, isCalendarDate, isTrackedDate, ymd } from './calendar.js';
import { invalid } from './domain-error.js';

/**
 * A due period as precise as the source allows: `2024`, `2024-S2` (semester), `2024-Q3` (quarter),
 * `2024-06`, `2024-06-30`, or a range `2023-S2/2024-S1`. `start`/`end` are inclusive calendar days.
 */
export interface Period {
  label: string;
  start: string;
  end: string;
}

const YEAR = /^(\d{4})$/;
const SEMESTER = /^(\d{4})-S([12])$/;
const QUARTER = /^(\d{4})-Q([1-4])$/;
const MONTH = /^(\d{4})-(\d{2})$/;

function bounds(label: string): { start: string; end: string } | null {
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(label))) {
    const y = Number(m[1]);
    return { start: ymd(y, 1, 1), end: ymd(y, 12, 31) };
  }
  if ((m = SEMESTER.exec(label))) {
    const y = Number(m[1]);
    return m[2] === '1' ? { start: ymd(y, 1, 1), end: ymd(y, 6, 30) } : { start: ymd(y, 7, 1), end: ymd(y, 12, 31) };
  }
  if ((m = QUARTER.exec(label))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    const lastMonth = q * 3;
    return { start: ymd(y, lastMonth - 2, 1), end: ymd(y, lastMonth, daysInMonth(y, lastMonth)) };
  }
  if ((m = MONTH.exec(label))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    return { start: ymd(y, mo, 1), end: ymd(y, mo, daysInMonth(y, mo)) };
  }
  if (isCalendarDate(label)) return { start: label, end: label };
  return null;
}

export function isPeriod(label: unknown): label is string {
  if (typeof label !== 'string' || label.length > 40) return false;
  return tryParsePeriod(label) !== null;
}

function tryParsePeriod(label: string): Period | null {
  const parts = label.split('/');
  if (parts.length > 2) return null;
  const first = bounds(parts[0]!);
  // A due period is a plan: within the tracked years, like every date of the roadmap.
  if (!first || !isTrackedDate(first.start)) return null;
  if (parts.length === 1) return { label, ...first };
  const last = bounds(parts[1]!);
  if (!last || !isTrackedDate(last.end) || last.end < first.start) return null;
  return { label, start: first.start, end: last.end };
}

export function parsePeriod(label: string, field = 'due'): Period {
  const period = tryParsePeriod(label);
  if (!period) {
    throw invalid('invalid_period', `${field} must be a period: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or a range A/B`, { field });
  }
  return period;
}
