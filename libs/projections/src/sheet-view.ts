import type { IndicatorDefinition, MilestoneDefinition, SheetFields, Target } from '../../domain/src/index.js';

/** The document the sheet-summary read model keeps per sheet (what GET /api/sheets/:sheetId shows). */
export interface SheetView extends SheetFields {
  sheetId: string;
  roadmapId: string;
  version: string;
  status: 'active' | 'completed' | 'abandoned' | 'retired';
  closure:
    | { kind: 'completed'; on: string; summary: string | null }
    | { kind: 'abandoned'; on: string; reason: string; explanation: string }
    | null;
  retired: { version: string; reason: string; explanation: string; effectiveOn: string | null; mergedInto: string | null } | null;
  versions: { version: string; number: string }[];
  continues: string[];
  indicators: IndicatorView[];
  milestones: MilestoneView[];
  revision: number;
  position: number;
  createdAt: string;
  updatedAt: string;
}

export interface LatestValue {
  reportId: string;
  value: number;
  observedOn: string;
  territory: string | null;
}

export interface IndicatorView extends IndicatorDefinition {
  targets: Target[];
  /** Latest regional value (no territory, or the region): what the sheet shows against the target. */
  latest: LatestValue | null;
  reportCount: number;
}

export interface MilestoneView extends MilestoneDefinition {
  reachedOn: string | null;
  evidence: string | null;
  rescheduled: { from: string | null; to: string; reason: string | null }[];
}

/** The final target (latest `by`), against which the latest value is compared. */
export function finalTarget(ind: { targets: Target[] }): Target | null {
  return ind.targets.length ? ind.targets.reduce((a, b) => (b.by > a.by ? b : a)) : null;
}

export function newSheetView(data: SheetFields & { sheetId: string; roadmapId: string; version: string; indicators: IndicatorDefinition[]; milestones: MilestoneDefinition[]; continues: string[] }, at: { revision: number; position: number; recordedAt: string }): SheetView {
  return {
    sheetId: data.sheetId, roadmapId: data.roadmapId, version: data.version, number: data.number, kind: data.kind, enjeu: data.enjeu, title: data.title,
    objective: data.objective, theme: data.theme, context: data.context, objectives: data.objectives, pilots: data.pilots, partners: data.partners,
    status: 'active', closure: null, retired: null, versions: [{ version: data.version, number: data.number }], continues: data.continues ?? [],
    indicators: data.indicators.map((i) => ({ ...i, targets: [...i.targets], latest: null, reportCount: 0 })),
    milestones: data.milestones.map((m) => ({ ...m, reachedOn: null, evidence: null, rescheduled: [] })),
    revision: at.revision, position: at.position, createdAt: at.recordedAt, updatedAt: at.recordedAt,
  };
}
