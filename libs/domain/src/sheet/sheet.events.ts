import type { ReportingFrequency } from '../shared/frequency.js';
import type { Unit } from '../shared/units.js';

export type SheetKind = 'animation' | 'projet';
export type EnjeuId = 'transversal' | 'inclusion' | 'performance' | 'avenir';
export const ENJEUX: readonly EnjeuId[] = ['transversal', 'inclusion', 'performance', 'avenir'];
export const SHEET_KINDS: readonly SheetKind[] = ['animation', 'projet'];

export const ABANDON_REASONS = ['insufficient_partners', 'merged', 'out_of_scope', 'no_funding', 'other'] as const;
export type AbandonReason = (typeof ABANDON_REASONS)[number];
export const RETIRE_REASONS = ['completed', 'not_renewed', 'insufficient_partners', 'merged', 'out_of_scope', 'other'] as const;
export type RetireReason = (typeof RETIRE_REASONS)[number];

export interface Target {
  value: number;
  /** Calendar day by which the value is to be reached. */
  by: string;
  label?: string | null;
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
  /** A period label (see shared/period.ts) or null when the source gives no date. */
  due: string | null;
}

/** Fields a revision or a carry-over may change. */
export interface SheetFields {
  number: string;
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
    /** Valid time: the day the value was true in the world. */
    observedOn: string;
    territory: string | null;
    source: string | null;
    comment: string | null;
    /** Free dimension when a figure splits further than territory (e.g. a fibre zone). */
    zone?: string | null;
  };
};
export type IndicatorReportCorrected = {
  type: 'IndicatorReportCorrected';
  data: { sheetId: string; indicatorId: string; reportId: string; value: number; observedOn: string; reason: string };
};
export type MilestoneReached = { type: 'MilestoneReached'; data: { sheetId: string; milestoneId: string; reachedOn: string; evidence: string | null } };
export type MilestoneRescheduled = { type: 'MilestoneRescheduled'; data: { sheetId: string; milestoneId: string; due: string; previousDue: string | null; reason: string | null } };
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
  data: { sheetId: string; fromVersion: string; toVersion: string; changes: Partial<SheetFields>; addedIndicators: IndicatorDefinition[]; addedMilestones: MilestoneDefinition[] };
};

export type SheetEvent =
  | SheetCreated
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
  'SheetRetired', 'SheetCarriedOver', 'IndicatorFrequencySet',
];

const SHEET_STREAM_PREFIX = 'sheet-';

export const sheetStream = (sheetId: string) => `${SHEET_STREAM_PREFIX}${sheetId}`;

/** The sheet a stream is the log of, or null for any other stream (a roadmap's). */
export const sheetIdOf = (stream: string): string | null => (stream.startsWith(SHEET_STREAM_PREFIX) ? stream.slice(SHEET_STREAM_PREFIX.length) : null);
