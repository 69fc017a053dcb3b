import type { AbandonReason, IndicatorDefinition, MilestoneDefinition, RetireReason, SheetFields } from './sheet.events.js';
import type { Target } from './sheet.events.js';
import type { CommandClock } from '../shared/decider.js';
import type { ReportingFrequency } from '../shared/frequency.js';

interface Ctx {
  metadata: CommandClock;
}

export type CreateSheet = {
  type: 'CreateSheet';
  data: SheetFields & { sheetId: string; roadmapId: string; version: string; indicators: IndicatorDefinition[]; milestones: MilestoneDefinition[]; continues?: string[]; historic?: boolean };
} & Ctx;
export type ReviseSheet = { type: 'ReviseSheet'; data: { changes: Partial<SheetFields>; reason?: string | null } } & Ctx;
export type AddIndicator = { type: 'AddIndicator'; data: { indicator: IndicatorDefinition } } & Ctx;
export type AddMilestone = { type: 'AddMilestone'; data: { milestone: MilestoneDefinition } } & Ctx;
export type SetIndicatorTarget = { type: 'SetIndicatorTarget'; data: { indicatorId: string; target: Target } } & Ctx;
export type ReportIndicator = {
  type: 'ReportIndicator';
  data: { indicatorId: string; reportId: string; value: number; observedOn: string; territory?: string | null; source?: string | null; comment?: string | null; zone?: string | null };
} & Ctx;
export type CorrectIndicatorReport = {
  type: 'CorrectIndicatorReport';
  data: { indicatorId: string; reportId: string; value: number; observedOn?: string; reason: string };
} & Ctx;
export type ReachMilestone = { type: 'ReachMilestone'; data: { milestoneId: string; reachedOn: string; evidence?: string | null } } & Ctx;
export type RescheduleMilestone = { type: 'RescheduleMilestone'; data: { milestoneId: string; due: string; reason?: string | null } } & Ctx;
export type CompleteProject = { type: 'CompleteProject'; data: { completedOn: string; summary?: string | null } } & Ctx;
export type AbandonProject = { type: 'AbandonProject'; data: { reason: AbandonReason; explanation: string; effectiveOn: string } } & Ctx;
export type RetireSheet = {
  type: 'RetireSheet';
  data: { reason: RetireReason; explanation: string; effectiveOn?: string | null; mergedInto?: string | null };
} & Ctx;
export type CarryOverSheet = {
  type: 'CarryOverSheet';
  data: { toVersion: string; changes?: Partial<SheetFields>; addedIndicators?: IndicatorDefinition[]; addedMilestones?: MilestoneDefinition[] };
} & Ctx;

export type SetIndicatorFrequency = { type: 'SetIndicatorFrequency'; data: { indicatorId: string; frequency: ReportingFrequency | null } } & Ctx;

export type SheetCommand =
  | CreateSheet
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
