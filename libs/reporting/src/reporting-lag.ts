import { dayOf, nextValueDue } from '#domain';
import { daysBetween } from './due.js';
import type { IndicatorFacts, ReportFact, SheetFacts } from './sheet-facts.js';

export interface LagSummary {
  reports: number;
  /** Days from valid time (observedOn) to record time (the day of recordedAt). */
  medianDays: number | null;
  p90Days: number | null;
  /**
   * Share of the reports of indicators with a recurring frequency that were recorded on time: on or
   * before the day one period after observedOn (for a quarterly value of 31 March, by 30 June), the
   * day the next value becomes due. Null when no report has such a frequency.
   */
  onTimeShare: number | null;
  reportsWithFrequency: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of sorted values: the middle one, or the mean of the two middle ones. */
export function median(sorted: ArrayLike<number>): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What a sheet's lag is computed from: each indicator's frequency, and each report's two times. */
export interface LagFacts {
  indicators: ReadonlyArray<{
    frequency: IndicatorFacts['frequency'];
    reports: ReadonlyArray<Pick<ReportFact, 'observedOn' | 'recordedAt'>>;
  }>;
}

/**
 * One sheet's lags, in whole days and sorted, with how many of its reports were judged on time and how
 * many were: the summary of a sheet, or of several together (an organisation's), is made of these.
 */
export interface LagParts {
  days: Int32Array;
  judged: number;
  onTime: number;
}

/**
 * The lag of each report of a sheet (see LagSummary). Reports share their days (a sheet reported
 * weekly for ten years has ~500 distinct ones), so each day's number and each observation's next due
 * day are computed once.
 */
export function lagParts(sheet: LagFacts): LagParts {
  let count = 0;
  for (const ind of sheet.indicators) count += ind.reports.length;
  const days = new Int32Array(count);
  const dayNumbers = new Map<string, number>();
  const dayNumber = (day: string) => {
    let n = dayNumbers.get(day);
    if (n === undefined) dayNumbers.set(day, (n = daysBetween('1970-01-01', day)));
    return n;
  };
  let i = 0;
  let judged = 0;
  let onTime = 0;
  for (const ind of sheet.indicators) {
    const limits = new Map<string, string | null>();
    for (const r of ind.reports) {
      const recordedOn = dayOf(r.recordedAt);
      days[i++] = dayNumber(recordedOn) - dayNumber(r.observedOn);
      if (!ind.frequency) continue;
      let limit = limits.get(r.observedOn);
      if (limit === undefined) limits.set(r.observedOn, (limit = nextValueDue(r.observedOn, ind.frequency)));
      if (limit !== null) {
        judged++;
        if (recordedOn <= limit) onTime++;
      }
    }
  }
  return { days: days.sort(), judged, onTime };
}

/** Several sheets' lags as one (an organisation's, or a sheet's from its indicators'). */
export function mergeLagParts(parts: readonly LagParts[]): LagParts {
  if (parts.length === 1) return parts[0]!;
  let count = 0;
  let judged = 0;
  let onTime = 0;
  for (const p of parts) {
    count += p.days.length;
    judged += p.judged;
    onTime += p.onTime;
  }
  const days = new Int32Array(count);
  let at = 0;
  for (const p of parts) {
    days.set(p.days, at);
    at += p.days.length;
  }
  return { days: days.sort(), judged, onTime };
}

/** The summary of one or more sheets' lags taken together. */
export function summariseLags(parts: readonly LagParts[]): LagSummary {
  const { days, judged, onTime } = mergeLagParts(parts);
  return {
    reports: days.length, medianDays: median(days), p90Days: percentile(days, 90),
    onTimeShare: judged ? onTime / judged : null,
    reportsWithFrequency: judged,
  };
}

/** Reporting lag of an organisation's sheets, over all of them and per sheet. */
export function reportingLag(sheets: readonly SheetFacts[]): { overall: LagSummary; sheets: Array<{ sheetId: string; number: string } & LagSummary> } {
  const parts = sheets.map(lagParts);
  return { overall: summariseLags(parts), sheets: sheets.map((s, i) => ({ sheetId: s.sheetId, number: s.number, ...summariseLags([parts[i]!]) })) };
}
