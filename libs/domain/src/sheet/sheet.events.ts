import type { ReportingFrequency } from '../shared/frequency.js';
import type { Horizon } from '../shared/horizon.js';
import type { Qualifier } from '../shared/quantity.js';
import type { Zone } from '../shared/scope.js';
import type { Unit } from '../shared/units.js';

export type SheetKind = 'animation' | 'projet';
export type EnjeuId = 'transversal' | 'inclusion' | 'performance' | 'avenir';
export const ENJEUX: readonly EnjeuId[] = ['transversal', 'inclusion', 'performance', 'avenir'];
export const SHEET_KINDS: readonly SheetKind[] = ['animation', 'projet'];

export const ABANDON_REASONS = ['insufficient_partners', 'merged', 'out_of_scope', 'no_funding', 'other'] as const;
export type AbandonReason = (typeof ABANDON_REASONS)[number];
/**
 * Why a sheet left the roadmap. `completed_or_not_renewed` is Annexe 3's "achevés ou non reconduits",
 * said of a group without saying which applies to which project; `unstated` is a sheet the document
 * drops without a reason. Neither is to be read as one of the definite reasons.
 */
export const RETIRE_REASONS = ['completed', 'not_renewed', 'completed_or_not_renewed', 'unstated', 'insufficient_partners', 'merged', 'out_of_scope', 'other'] as const;
export type RetireReason = (typeof RETIRE_REASONS)[number];

/**
 * A target as the document prints it (schema version 2). Its identity within an indicator is
 * (scope, due, label): the 21 "100 %" targets of the fibre table differ by department and zone only.
 */
export interface Target {
  value: number;
  /** "plus de 2 000" as a target demands more than 2 000 (see quantity.ts). */
  qualifier: Qualifier;
  /** A dated label (shared/dated.ts): `2025`, `2026-06`; null when the document gives no date. */
  due: string | null;
  /** The relative words the due date was derived from ("à 3 ans", "Année 1"), else null. */
  horizon: string | null;
  /** The INSEE code the target is for; null for a target tied to no territory. */
  territory: string | null;
  zone: Zone | null;
  label: string | null;
}

export interface IndicatorDefinition {
  indicatorId: string;
  name: string;
  unit: Unit;
  targets: Target[];
}

export interface MilestoneDefinition {
  milestoneId: string;
  title: string;
  /**
   * A dated label (see shared/dated.ts: `2023-Q4`, `2023-late/2024`, `2024/..`, `>2023/..`) or null
   * when the source gives no date, or only a relative one (`horizon`).
   */
  due: string | null;
  /** The document doubts the date ("au quatrième trimestre ?"); absent = false. */
  uncertain?: boolean;
  /** "Objectifs à 3 ans": a due date relative to another, kept so (`due` is then null); absent = none. */
  horizon?: Horizon;
}

/** Fields a revision or a carry-over may change. */
export interface SheetFields {
  /** null only for a historic sheet whose number the sources do not give. */
  number: string | null;
  /** null only for a historic sheet whose kind the sources do not give. */
  kind: SheetKind | null;
  /** null only for a historic sheet whose enjeu the sources do not give. */
  enjeu: EnjeuId | null;
  title: string;
  objective: string | null;
  theme: string | null;
  context: string | null;
  objectives: string | null;
  pilots: string[];
  partners: string[];
}

export type SheetCreated = {
  type: 'SheetCreated';
  data: SheetFields & {
    sheetId: string;
    roadmapId: string;
    version: string;
    indicators: IndicatorDefinition[];
    milestones: MilestoneDefinition[];
    /** Sheets of earlier versions this one continues, when they kept another id. */
    continues: string[];
    /**
     * Recorded after the fact from an assessment (e.g. a V3 sheet known only from the V4 bilan):
     * kind, enjeu and pilots may then be unknown.
     */
    historic?: boolean;
  };
};
export type SheetRevised = { type: 'SheetRevised'; data: { sheetId: string; changes: Partial<SheetFields>; reason: string | null } };
export type IndicatorAdded = { type: 'IndicatorAdded'; data: { sheetId: string; indicator: IndicatorDefinition } };
export type MilestoneAdded = { type: 'MilestoneAdded'; data: { sheetId: string; milestone: MilestoneDefinition } };
export type IndicatorTargetSet = { type: 'IndicatorTargetSet'; data: { sheetId: string; indicatorId: string; target: Target } };
/** How often the indicator is to be reported from now on (null: no frequency); set by the secretariat. */
export type IndicatorFrequencySet = {
  type: 'IndicatorFrequencySet';
  data: { sheetId: string; indicatorId: string; frequency: ReportingFrequency | null; previous: ReportingFrequency | null };
};
export type IndicatorReported = {
  type: 'IndicatorReported';
  data: {
    sheetId: string;
    indicatorId: string;
    reportId: string;
    value: number;
    /** How the real figure relates to `value` ("environ 44 %" is `about`). */
    qualifier: Qualifier;
    /** Valid time as printed: a dated label (`2023-Q1`, `2022-late`, `2023-06-07`). */
    observed: string;
    /** The last day of `observed`: orders series and keeps readers of schema version 1 working. */
    observedOn: string;
    territory: string | null;
    /** The fibre table's breakdown; null for a figure over all zones. */
    zone: Zone | null;
    source: string | null;
    comment: string | null;
  };
};
export type IndicatorReportCorrected = {
  type: 'IndicatorReportCorrected';
  data: {
    sheetId: string; indicatorId: string; reportId: string; value: number;
    /** The corrected date as printed, and its last day. */
    observed: string;
    observedOn: string;
    /** Absent: the qualifier is unchanged. */
    qualifier?: Qualifier;
    reason: string;
  };
};
export type MilestoneReached = {
  type: 'MilestoneReached';
  data: {
    sheetId: string; milestoneId: string;
    /** When, as printed ("en mars 2021": `2021-03`). */
    reached: string;
    /** The day of the document that says so, when the source is a document; else null. */
    statedOn: string | null;
    /** The last day `reached` can mean, cut back to the statement (or the record day): never later than what says so. */
    reachedOn: string;
    evidence: string | null;
  };
};
export type MilestoneRescheduled = { type: 'MilestoneRescheduled'; data: { sheetId: string; milestoneId: string; due: string; previousDue: string | null; reason: string | null; uncertain?: boolean } };
export type ProjectCompleted = { type: 'ProjectCompleted'; data: { sheetId: string; completedOn: string; summary: string | null } };
export type ProjectAbandoned = { type: 'ProjectAbandoned'; data: { sheetId: string; reason: AbandonReason; explanation: string; effectiveOn: string } };
/** The sheet leaves the roadmap after `version`, its last version: it is not carried over. */
export type SheetRetired = {
  type: 'SheetRetired';
  data: { sheetId: string; version: string; reason: RetireReason; explanation: string; effectiveOn: string | null; mergedInto: string | null };
};
/** The sheet moves into the next version, possibly renumbered and changed. */
export type SheetCarriedOver = {
  type: 'SheetCarriedOver';
  data: {
    sheetId: string; fromVersion: string; toVersion: string; changes: Partial<SheetFields>; addedIndicators: IndicatorDefinition[]; addedMilestones: MilestoneDefinition[];
    /** Why the sheet continued, in the sources' words when they give them; absent in events written before it existed. */
    reason?: string | null;
  };
};

/** What the sheet's record in `version` says is corrected to what the sources give (its number there unknown). */
export type SheetVersionRecordCorrected = { type: 'SheetVersionRecordCorrected'; data: { sheetId: string; version: string; number: null; reason: string } };

/** When a milestone is due, as its definition gives it: a dated label, its doubt, or a relative horizon. */
export type MilestoneDue = { due: string | null; uncertain?: true; horizon?: Horizon };

/**
 * A milestone's due date as the sources print it, correcting what its definition recorded (written by
 * older code: "2024 et ensuite" as 2024, "à 3 ans" as a day). Not a new plan, unlike a
 * rescheduling: the milestone was always due so. `previous` is what the definition said.
 */
export type MilestoneDefinitionCorrected = {
  type: 'MilestoneDefinitionCorrected';
  data: { sheetId: string; milestoneId: string; previous: MilestoneDue; reason: string } & MilestoneDue;
};

export type SheetEvent =
  | SheetCreated
  | SheetVersionRecordCorrected
  | MilestoneDefinitionCorrected
  | SheetRevised
  | IndicatorAdded
  | MilestoneAdded
  | IndicatorTargetSet
  | IndicatorReported
  | IndicatorReportCorrected
  | MilestoneReached
  | MilestoneRescheduled
  | ProjectCompleted
  | ProjectAbandoned
  | SheetRetired
  | SheetCarriedOver
  | IndicatorFrequencySet;

export type SheetEventType = SheetEvent['type'];
export const SHEET_EVENT_TYPES: readonly SheetEventType[] = [
  'SheetCreated', 'SheetRevised', 'IndicatorAdded', 'MilestoneAdded', 'IndicatorTargetSet', 'IndicatorReported',
  'IndicatorReportCorrected', 'MilestoneReached', 'MilestoneRescheduled', 'ProjectCompleted', 'ProjectAbandoned',
  'SheetRetired', 'SheetCarriedOver', 'IndicatorFrequencySet', 'SheetVersionRecordCorrected', 'MilestoneDefinitionCorrected',
];

const SHEET_STREAM_PREFIX = 'sheet-';

export const sheetStream = (sheetId: string) => `${SHEET_STREAM_PREFIX}${sheetId}`;

/** The sheet a stream is the log of, or null for any other stream (a roadmap's). */
export const sheetIdOf = (stream: string): string | null => (stream.startsWith(SHEET_STREAM_PREFIX) ? stream.slice(SHEET_STREAM_PREFIX.length) : null);

/**
 * The schema version each event type is written with. A stored event of a lower version is read
 * through the upcasters (sheet.upcasters.ts); the log itself is never rewritten.
 */
export const SHEET_EVENT_SCHEMA_VERSIONS: Readonly<Record<SheetEventType, number>> = {
  SheetCreated: 2, SheetRevised: 1, IndicatorAdded: 2, MilestoneAdded: 1, IndicatorTargetSet: 2, IndicatorReported: 2,
  IndicatorReportCorrected: 2, MilestoneReached: 2, MilestoneRescheduled: 1, ProjectCompleted: 1, ProjectAbandoned: 1,
  SheetRetired: 1, SheetCarriedOver: 2, IndicatorFrequencySet: 1, SheetVersionRecordCorrected: 1, MilestoneDefinitionCorrected: 1,
};
