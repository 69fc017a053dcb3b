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

/** The lag of each report of a sheet (see LagSummary). */
export function lagParts(sheet: LagFacts): LagParts {
  let count = 0;
  for (const ind of sheet.indicators) count += ind.reports.length;
  const days = new Int32Array(count);
  let i = 0;
  let judged = 0;
  let onTime = 0;
  for (const ind of sheet.indicators) {
    for (const r of ind.reports) {
      const recordedOn = dayOf(r.recordedAt);
      days[i++] = daysBetween(r.observedOn, recordedOn);
      const limit = ind.frequency ? nextValueDue(r.observedOn, ind.frequency) : null;
      if (limit !== null) {
        judged++;
        if (recordedOn <= limit) onTime++;
      }
    }
  }
  return { days: days.sort(), judged, onTime };
}

/** The summary of one or more sheets' lags taken together. */
export function summariseLags(parts: readonly LagParts[]): LagSummary {
  let sorted: Int32Array;
  if (parts.length === 1) sorted = parts[0]!.days;
  else {
    let count = 0;
    for (const p of parts) count += p.days.length;
    sorted = new Int32Array(count);
    let at = 0;
    for (const p of parts) {
      sorted.set(p.days, at);
      at += p.days.length;
    }
    sorted.sort();
  }
  let judged = 0;
  let onTime = 0;
  for (const p of parts) {
    judged += p.judged;
    onTime += p.onTime;
  }
  return {
    reports: sorted.length, medianDays: median(sorted), p90Days: percentile(sorted, 90),
    onTimeShare: judged ? onTime / judged : null,
    reportsWithFrequency: judged,
  };
}

/** Reporting lag of an organisation's sheets, over all of them and per sheet. */
export function reportingLag(sheets: readonly SheetFacts[]): { overall: LagSummary; sheets: Array<{ sheetId: string; number: string } & LagSummary> } {
  const parts = sheets.map(lagParts);
  return { overall: summariseLags(parts), sheets: sheets.map((s, i) => ({ sheetId: s.sheetId, number: s.number, ...summariseLags([parts[i]!]) })) };
}
