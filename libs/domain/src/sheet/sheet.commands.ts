import type { AbandonReason, IndicatorDefinition, MilestoneDefinition, RetireReason, SheetFields } from './sheet.events.js';
import type { CommandClock } from '../shared/decider.js';
import type { ReportingFrequency } from '../shared/frequency.js';
import type { Horizon } from '../shared/horizon.js';
import type { Qualifier } from '../shared/quantity.js';
import type { Zone } from '../shared/scope.js';

/**
 * A target as a command gives it: `due` (a dated label, or null when the document gives none) or,
 * as before dated labels, `by` (a calendar day, read as that day); scope and qualifier default to
 * no territory, all zones, exact.
 */
export interface TargetInput {
  value: number;
  due?: string | null;
  by?: string;
  horizon?: string | null;
  territory?: string | null;
  zone?: Zone | null;
  qualifier?: Qualifier;
  label?: string | null;
}
export type IndicatorInput = Omit<IndicatorDefinition, 'targets'> & { targets?: TargetInput[] };

interface Ctx {
  metadata: CommandClock;
}

export type CreateSheet = {
  type: 'CreateSheet';
  data: SheetFields & { sheetId: string; roadmapId: string; version: string; indicators: IndicatorInput[]; milestones: MilestoneDefinition[]; continues?: string[]; historic?: boolean };
} & Ctx;
export type ReviseSheet = { type: 'ReviseSheet'; data: { changes: Partial<SheetFields>; reason?: string | null } } & Ctx;
export type AddIndicator = { type: 'AddIndicator'; data: { indicator: IndicatorInput } } & Ctx;
export type AddMilestone = { type: 'AddMilestone'; data: { milestone: MilestoneDefinition } } & Ctx;
export type SetIndicatorTarget = { type: 'SetIndicatorTarget'; data: { indicatorId: string; target: TargetInput } } & Ctx;
export type ReportIndicator = {
  type: 'ReportIndicator';
  data: {
    indicatorId: string; reportId: string; value: number;
    /** The date as printed (a dated label); or `observedOn`, a day, as before dated labels. One of them is required. */
    observed?: string; observedOn?: string;
    qualifier?: Qualifier; territory?: string | null; zone?: Zone | null; source?: string | null; comment?: string | null;
  };
} & Ctx;
export type CorrectIndicatorReport = {
  type: 'CorrectIndicatorReport';
  data: { indicatorId: string; reportId: string; value: number; observed?: string; observedOn?: string; qualifier?: Qualifier; reason: string };
} & Ctx;
/** `reached` as printed (a dated label) with the day of the document saying so, or `reachedOn`, a day. */
export type ReachMilestone = { type: 'ReachMilestone'; data: { milestoneId: string; reached?: string; reachedOn?: string; statedOn?: string | null; evidence?: string | null } } & Ctx;
export type RescheduleMilestone = { type: 'RescheduleMilestone'; data: { milestoneId: string; due: string; uncertain?: boolean; reason?: string | null } } & Ctx;
export type CompleteProject = { type: 'CompleteProject'; data: { completedOn: string; summary?: string | null } } & Ctx;
export type AbandonProject = { type: 'AbandonProject'; data: { reason: AbandonReason; explanation: string; effectiveOn: string } } & Ctx;
export type RetireSheet = {
  type: 'RetireSheet';
  data: { reason: RetireReason; explanation: string; effectiveOn?: string | null; mergedInto?: string | null };
} & Ctx;
export type CarryOverSheet = {
  type: 'CarryOverSheet';
  data: { toVersion: string; changes?: Partial<SheetFields>; addedIndicators?: IndicatorInput[]; addedMilestones?: MilestoneDefinition[]; reason?: string | null };
} & Ctx;

export type SetIndicatorFrequency = { type: 'SetIndicatorFrequency'; data: { indicatorId: string; frequency: ReportingFrequency | null } } & Ctx;

/**
 * The record of a version the sheet belonged to said more than the sources: its number there is
 * unknown (a historic sheet written with "0" before numbers could be). Allowed on a closed sheet:
 * it corrects what the tracker says of the past, not the sheet.
 */
export type CorrectVersionRecord = { type: 'CorrectVersionRecord'; data: { version: string; number: null; reason: string } } & Ctx;

/**
 * A milestone's definition recorded its due date otherwise than the sources print it: corrected to
 * their form (a dated label with its doubt, or a relative horizon). Allowed on a closed sheet, like
 * CorrectVersionRecord; refused once the milestone was rescheduled (its date is then the new plan's).
 */
export type CorrectMilestoneDefinition = {
  type: 'CorrectMilestoneDefinition';
  data: { milestoneId: string; due: string | null; uncertain?: boolean; horizon?: Horizon; reason: string };
} & Ctx;

export type SheetCommand =
  | CreateSheet
  | CorrectVersionRecord
  | CorrectMilestoneDefinition
  | ReviseSheet
  | AddIndicator
  | AddMilestone
  | SetIndicatorTarget
  | ReportIndicator
  | CorrectIndicatorReport
  | ReachMilestone
  | RescheduleMilestone
  | CompleteProject
  | AbandonProject
  | RetireSheet
  | CarryOverSheet
  | SetIndicatorFrequency;
