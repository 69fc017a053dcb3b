import type { ReportingFrequency, Unit } from '#domain';

/** One report as the reporting functions need it: its scope, both times, and its value. */
export interface ReportFact {
  reportId: string;
  value: number;
  /** Valid time. */
  observedOn: string;
  territory: string | null;
  zone: string | null;
  /** Record time (ISO timestamp). */
  recordedAt: string;
}

export interface IndicatorFacts {
  indicatorId: string;
  name: string;
  unit: Unit;
  frequency: ReportingFrequency | null;
  /** The final target (latest `by`), or null. */
  target: { value: number; by: string } | null;
  reports: ReportFact[];
}

export interface MilestoneFacts {
  milestoneId: string;
  title: string;
  /** A period label, or null when the source gives no date. */
  due: string | null;
  reachedOn: string | null;
}

/** What a pilot organisation reports on for one sheet: read from the read models, handed to pure functions. */
export interface SheetFacts {
  sheetId: string;
  number: string;
  title: string;
  status: string;
  /** The calendar day the sheet was recorded: the start of its first period when nothing is reported yet. */
  createdOn: string;
  indicators: IndicatorFacts[];
  milestones: MilestoneFacts[];
}
