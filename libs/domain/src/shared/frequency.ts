import { daysInMonth, ymd } from './calendar.js';
import { invalid } from './domain-error.js';

/**
 * How often an indicator is to be reported. `once`: a single value is expected (e.g. a study's
 * result); an indicator without a frequency (null) is reported when its pilot sees fit.
 */
export const REPORTING_FREQUENCIES = ['monthly', 'quarterly', 'yearly', 'once'] as const;
export type ReportingFrequency = (typeof REPORTING_FREQUENCIES)[number];

export const isReportingFrequency = (value: unknown): value is ReportingFrequency =>
  typeof value === 'string' && (REPORTING_FREQUENCIES as readonly string[]).includes(value);

export function assertReportingFrequency(field: string, value: unknown): ReportingFrequency | null {
  if (value === null || isReportingFrequency(value)) return value;
  throw invalid('invalid_frequency', `${field} must be one of ${REPORTING_FREQUENCIES.join(', ')} or null`, { field });
}

const MONTHS: Record<Exclude<ReportingFrequency, 'once'>, number> = { monthly: 1, quarterly: 3, yearly: 12 };

/** Calendar months between two values of a recurring frequency; null for `once`. */
export const periodMonths = (frequency: ReportingFrequency): number | null => (frequency === 'once' ? null : MONTHS[frequency]);

/** `day` plus whole calendar months; a day past the end of the target month becomes its last day (31 Jan + 1 month = 29 Feb 2024). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return ymd(year, month, Math.min(d, daysInMonth(year, month)));
}

/**
 * The day by which the value after one observed on `observedOn` is due: one period later. A value
 * observed on 31 March under a quarterly frequency is followed by one due on 30 June. Null when
 * nothing follows (`once`).
 */
export function nextValueDue(observedOn: string, frequency: ReportingFrequency): string | null {
  const months = periodMonths(frequency);
  return months === null ? null : addMonths(observedOn, months);
}
