import { dayOf, nextValueDue } from '#domain';
import { daysBetween } from './due.js';
import type { SheetFacts } from './sheet-facts.js';

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
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median of sorted values: the middle one, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarise(lags: Array<{ days: number; onTime: boolean | null }>): LagSummary {
  const sorted = lags.map((l) => l.days).sort((a, b) => a - b);
  const judged = lags.filter((l) => l.onTime !== null);
  return {
    reports: lags.length, medianDays: median(sorted), p90Days: percentile(sorted, 90),
    onTimeShare: judged.length ? judged.filter((l) => l.onTime).length / judged.length : null,
    reportsWithFrequency: judged.length,
  };
}

/** Reporting lag of an organisation's sheets, over all of them and per sheet. */
export function reportingLag(sheets: readonly SheetFacts[]): { overall: LagSummary; sheets: Array<{ sheetId: string; number: string } & LagSummary> } {
  const all: Array<{ days: number; onTime: boolean | null }> = [];
  const perSheet = sheets.map((s) => {
    const lags = s.indicators.flatMap((ind) => ind.reports.map((r) => {
      const recordedOn = dayOf(r.recordedAt);
      const limit = ind.frequency ? nextValueDue(r.observedOn, ind.frequency) : null;
      return { days: daysBetween(r.observedOn, recordedOn), onTime: limit === null ? null : recordedOn <= limit };
    }));
    all.push(...lags);
    return { sheetId: s.sheetId, number: s.number, ...summarise(lags) };
  });
  return { overall: summarise(all), sheets: perSheet };
}
