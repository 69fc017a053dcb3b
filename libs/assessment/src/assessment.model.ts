import type { Horizon, Quantity, Qualifier, TargetOutcome, VersionOutcome } from '#domain';

/** What the generator needs, as read from the read models (or folded from events): plain data only. */
export interface AssessmentInput {
  roadmap: { roadmapId: string; title: string; enjeux: Array<{ enjeuId: string; number: number; title: string }> };
  version: string;
  versions: Array<{ version: string; status: string; adoptedOn: string | null; /** As the sources print it; absent or null: they do not say. */ sheetCount?: Quantity | null }>;
  /** Closes the period early (a calendar day), e.g. for an interim assessment. */
  until: string | null;
  sheets: SheetInput[];
  /** The roadmap's data-quality findings as the read model lists them; absent: none known. */
  findings?: FindingInput[];
  /** The log position the inputs were read at, carried into the assessment. */
  source?: AssessmentSource;
}

/** A data-quality finding as the assessment takes it (the read model's Finding). */
export interface FindingInput {
  findingId: string;
  status: 'open' | 'resolved' | 'withdrawn';
  description: string;
  figures: Array<{ label: string; printed: unknown; recomputed: unknown; recomputedAs?: string | null }>;
  refersTo: Array<{ sheetId?: string; indicatorId?: string; territory?: string; zone?: string | null; section?: string }>;
  provenance: Array<{ section: string; quote: string }>;
  resolution: { resolution: string; on: string } | null;
}

/** A finding listed in an assessment, with the sheets of the version it concerns (by number). */
export interface AssessmentFinding {
  findingId: string;
  status: 'open' | 'resolved';
  description: string;
  figures: FindingInput['figures'];
  sheets: Array<{ sheetId: string; number: string }>;
  sections: string[];
  provenance: FindingInput['provenance'];
  resolution: FindingInput['resolution'];
}

export interface SheetInput {
  sheetId: string;
  /** null when the sources do not give the sheet's number in this version. */
  number: string | null;
  title: string;
  enjeu: string | null;
  pilots: string[];
  /** How the sheet ended in this version (or stands, in its current one). */
  outcome: VersionOutcome;
  /** Its number in the next version, when carried over. */
  nextNumber: string | null;
  /** With the due date's doubt or relative horizon, and the date reached as printed (`reached`: "2023"); see printedDueFr. */
  milestones: Array<{ milestoneId: string; title: string; due: string | null; uncertain?: boolean; horizon?: Horizon | null; reachedOn: string | null; reached?: string | null; rescheduled: number }>;
  indicators: IndicatorInput[];
}

export interface ValueAt {
  observedOn: string;
  /** The observation as printed (`2023-Q1` for "T1 2023"): what the documents show, never a day it does not give. */
  observed: string;
  value: number;
  /** "environ", "plus de"… of the value (for a sum of departments: theirs when they share one, else `about`). */
  qualifier: Qualifier;
}

/** A target as the assessment pairs it: with its scope, so that a zone's value meets its zone's target only. */
export interface AssessedTarget {
  value: number;
  qualifier: Qualifier;
  /** The last day of the due date (null without one), and the due date as printed. */
  by: string | null;
  due: string | null;
  territory: string | null;
  zone: string | null;
  label: string | null;
}

export interface IndicatorInput {
  indicatorId: string;
  name: string;
  unit: string;
  /** Every target of the indicator, with its scope. */
  targets: AssessedTarget[];
  /** Reports observed within the period (any territory). */
  reportCount: number;
  /** Regional values per zone (null: no zone), the last two dates observed by the period's end. */
  series: Array<{ zone: string | null; last: ValueAt; previous: ValueAt | null }>;
}

/**
 * `completed_or_not_renewed`: the sources say "achevés ou non reconduits" of a group without saying
 * which; `unstated`: the sheet was not carried over and the sources give no reason.
 */
export type SheetOutcome = 'completed' | 'in_progress' | 'abandoned' | 'not_carried_over' | 'completed_or_not_renewed' | 'unstated';
/** `no_due`: reached, with no due date to be on time or late against. */
export type MilestoneStatus = 'on_time' | 'late' | 'missed' | 'pending' | 'no_due';
export type Trend = 'up' | 'down' | 'flat';

export interface AssessmentPeriod {
  /**
   * The adoption as the sources print it (`2019-03` for "validée en mars 2019", `2023-06-26`); null
   * when unknown. What compares days takes its first day (periodStartDay).
   */
  start: string | null;
  /** Inclusive; null while the version is the current one and no `until` was given. */
  end: string | null;
  endsWith: 'next_adoption' | 'until' | 'open';
  nextVersion: string | null;
}

export interface MilestoneAssessment {
  milestoneId: string;
  title: string;
  due: string | null;
  /** The due date in French as printed, with its doubt or horizon ("au 4e trimestre 2023 ?", "à 3 ans"); null without one. */
  dueFr: string | null;
  reachedOn: string | null;
  /** The date it was reached as printed ("2023" for "en 2023"); null while not reached within the period. */
  reached: string | null;
  rescheduled: number;
  status: MilestoneStatus;
}

export interface IndicatorAssessment {
  indicatorId: string;
  name: string;
  unit: string;
  zone: string | null;
  /** The final target of the value's own scope (the region, this zone); null when it has none. */
  target: AssessedTarget | null;
  last: ValueAt;
  previous: ValueAt | null;
  trend: Trend | null;
  /** `undetermined` when the value's qualifier leaves both possible ("un peu plus de 80 %" against 82 %). */
  againstTarget: TargetOutcome | null;
}

export interface SheetAssessment {
  sheetId: string;
  number: string | null;
  title: string;
  pilots: string[];
  outcome: SheetOutcome;
  reason: string | null;
  explanation: string | null;
  on: string | null;
  mergedInto: string | null;
  carriedOverTo: { version: string; number: string | null } | null;
  milestones: MilestoneAssessment[];
  indicators: IndicatorAssessment[];
  neverReported: Array<{ indicatorId: string; name: string }>;
}

export interface Counts {
  sheets: number;
  completed: number;
  inProgress: number;
  abandoned: number;
  notCarriedOver: number;
  completedOrNotRenewed: number;
  unstated: number;
  carriedOver: number;
  milestonesOnTime: number;
  milestonesLate: number;
  milestonesMissed: number;
  milestonesPending: number;
  /** Reached with no due date: neither on time nor late. */
  milestonesReachedWithoutDue: number;
  indicatorsReported: number;
  indicatorsNeverReported: number;
  indicatorsMet: number;
}

export interface Assessment {
  roadmapId: string;
  title: string;
  version: string;
  period: AssessmentPeriod;
  /**
   * The version's sheets: as many as the sources say it had (`printed`, "une trentaine" = about 30;
   * null when they do not say), and as many as are recorded (`recorded`, the ones the sources name).
   * Every count of `totals` and `enjeux` is over the recorded sheets (`countsOver`).
   */
  sheetCount: { printed: Quantity | null; recorded: number; countsOver: 'recorded' };
  totals: Counts;
  enjeux: Array<{ enjeuId: string | null; number: number | null; title: string; totals: Counts; sheets: SheetAssessment[] }>;
  carriesOver: Array<{ sheetId: string; number: string | null; title: string; toVersion: string; toNumber: string | null }>;
  /**
   * The findings on the data that concern a sheet of this version or no sheet at all (the document
   * itself), open or resolved; a withdrawn finding was a misreading and is left out.
   */
  findings: AssessmentFinding[];
  /** What the assessment was built from, when the caller gave the log: absent otherwise. */
  source?: AssessmentSource;
}

/**
 * The log an assessment was built from: every input as known at `knownAt`, which is also the record
 * time of the event at `position` (the last one then), and the hash chain's link at that position
 * (null when the chain does not reach it yet). Enough to build the same figures again later.
 */
export interface AssessmentSource {
  knownAt: string;
  position: number;
  chainHead: string | null;
}
