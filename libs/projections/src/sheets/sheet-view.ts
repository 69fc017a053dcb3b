import {
  formatDatedFr, formatQuantityFr, mergeTarget, outcomesSetBy, parseDated, printedDueFr, sortTargets, targetDay, type IndicatorDefinition, type IndicatorReported, type MilestoneDefinition,
  type ReportingFrequency, type SheetFields, type Target, type Unit, type VersionOutcome,
} from '#domain';

/** The document the sheet-summary read model keeps per sheet (what GET /api/sheets/:sheetId shows). */
export interface SheetView extends SheetFields {
  sheetId: string;
  roadmapId: string;
  version: string;
  /** Where the sheet stands now (its lifecycle state). */
  status: 'active' | 'completed' | 'abandoned' | 'retired';
  /** How the sheet closed in its current version (completed or abandoned, as the domain says it); null while open. */
  outcome: VersionOutcome | null;
  retired: { version: string; reason: string; explanation: string; effectiveOn: string | null; mergedInto: string | null } | null;
  versions: { version: string; number: string | null }[];
  continues: string[];

  indicators: IndicatorView[];
  milestones: MilestoneView[];
  revision: number;
  position: number;
  createdAt: string;
  updatedAt: string;
}

/** An indicator's latest value: the report's own fields, as the event states them. */
export type LatestValue = Pick<IndicatorReported['data'], 'reportId' | 'value' | 'qualifier' | 'observed' | 'observedOn' | 'territory' | 'zone'>;

/** A target as served: the event's fields, its due date in French and its last day (`by`, null without a date). */
export interface TargetView extends Target {
  by: string | null;
  dueFr: string | null;
  valueFr: string;
}

export const targetView = (t: Target, unit: Unit): TargetView => ({
  ...t, by: targetDay(t), dueFr: t.due === null ? null : formatDatedFr(parseDated(t.due)), valueFr: formatQuantityFr(t, unit),
});
const targetViews = (i: IndicatorDefinition): TargetView[] => sortTargets(i.targets).map((t) => targetView(t, i.unit));

export interface IndicatorView extends IndicatorDefinition {
  /** Sorted by due date (see the domain's indicator-targets). */
  targets: TargetView[];
  /** Latest regional value (no territory, or the region): what the sheet shows against the target. */
  latest: LatestValue | null;
  reportCount: number;
  /** How often a value is due (IndicatorFrequencySet, set by the secretariat); null until one is set, or once it is taken off. */
  frequency: ReportingFrequency | null;
}

export interface MilestoneView extends MilestoneDefinition {
  /** The due date in French as the document prints it ("au 4e trimestre 2023 ?", "après 2023", "à 3 ans"); null without one. */
  dueFr: string | null;
  /** As printed, and the last day it can mean (see MilestoneReached). */
  reached: string | null;
  statedOn: string | null;
  reachedOn: string | null;
  evidence: string | null;
  rescheduled: { from: string | null; to: string; reason: string | null }[];
}

const milestoneView = (m: MilestoneDefinition): MilestoneView => ({ ...m, dueFr: printedDueFr(m), reached: null, statedOn: null, reachedOn: null, evidence: null, rescheduled: [] });

export function newSheetView(data: SheetFields & { sheetId: string; roadmapId: string; version: string; indicators: IndicatorDefinition[]; milestones: MilestoneDefinition[]; continues: string[] }, at: { revision: number; position: number; recordedAt: string }): SheetView {
  return {
    sheetId: data.sheetId, roadmapId: data.roadmapId, version: data.version, number: data.number, kind: data.kind, enjeu: data.enjeu, title: data.title,
    objective: data.objective, theme: data.theme, context: data.context, objectives: data.objectives, pilots: data.pilots, partners: data.partners,
    status: 'active', outcome: null, retired: null, versions: [{ version: data.version, number: data.number }], continues: data.continues ?? [],
    indicators: data.indicators.map((i) => ({ ...i, targets: targetViews(i), latest: null, reportCount: 0, frequency: null })),
    milestones: data.milestones.map(milestoneView),
    revision: at.revision, position: at.position, createdAt: at.recordedAt, updatedAt: at.recordedAt,
  };
}

import type { SheetEvent } from '#domain';
import type { FoldedEvent } from '#event-store';
import { upcastStored } from '../upcast-stored.js';

const regional = (territory: string | null) => territory === null || territory === '24';

/**
 * The fold from events to the sheet document, shared by the sheet-summary projection and by
 * time-travel queries (which fold a filtered stream in memory). No I/O; it updates `doc` in place and
 * returns it (each caller folds its own copy). `reports`, when given, tracks every
 * regional report so that a correction moving a date can recompute the latest value exactly; the
 * projection recomputes from its table instead.
 */
export function applySheetEvent(doc: SheetView | null, raw: FoldedEvent, reports?: Map<string, Map<string, LatestValue>>): SheetView | null {
  const stored = upcastStored(raw);
  const event = { type: stored.type, data: stored.data } as SheetEvent;
  const at = { revision: stored.revision, position: stored.position, recordedAt: stored.metadata.recordedAt };
  if (event.type === 'SheetCreated') return newSheetView(event.data, at);
  if (!doc) return null;
  doc.revision = at.revision;
  doc.position = at.position;
  doc.updatedAt = at.recordedAt;
  const indicator = (id: string) => doc.indicators.find((i) => i.indicatorId === id);
  switch (event.type) {
    case 'SheetVersionRecordCorrected':
      if (doc.version === event.data.version) doc.number = event.data.number;
      doc.versions = doc.versions.map((v) => (v.version === event.data.version ? { ...v, number: event.data.number } : v));
      break;
    case 'SheetRevised':
      Object.assign(doc, event.data.changes);
      if (event.data.changes.number) doc.versions = doc.versions.map((v) => (v.version === doc.version ? { ...v, number: doc.number } : v));
      break;
    case 'IndicatorAdded':
      doc.indicators.push({ ...event.data.indicator, targets: targetViews(event.data.indicator), latest: null, reportCount: 0, frequency: null });
      break;
    case 'MilestoneAdded':
      doc.milestones.push(milestoneView(event.data.milestone));
      break;
    case 'IndicatorFrequencySet': {
      const ind = indicator(event.data.indicatorId);
      if (ind) ind.frequency = event.data.frequency;
      break;
    }
    case 'IndicatorTargetSet': {
      const ind = indicator(event.data.indicatorId);
      if (ind) ind.targets = mergeTarget(ind.targets, event.data.target).map((t) => targetView(t, ind.unit));
      break;
    }
    case 'IndicatorReported': {
      const d = event.data;
      const ind = indicator(d.indicatorId);
      if (!ind) break;
      ind.reportCount++;
      if (!regional(d.territory)) break;
      const value: LatestValue = { reportId: d.reportId, value: d.value, qualifier: d.qualifier, observed: d.observed, observedOn: d.observedOn, territory: d.territory, zone: d.zone };
      if (reports) {
        if (!reports.has(d.indicatorId)) reports.set(d.indicatorId, new Map());
        reports.get(d.indicatorId)!.set(d.reportId, value);
      }
      if (!ind.latest || d.observedOn >= ind.latest.observedOn) ind.latest = value;
      break;
    }
    case 'IndicatorReportCorrected': {
      const d = event.data;
      const ind = indicator(d.indicatorId);
      const tracked = reports?.get(d.indicatorId);
      if (!ind || !tracked) break;
      const r = tracked.get(d.reportId);
      if (!r) break;
      tracked.set(d.reportId, { ...r, value: d.value, observed: d.observed, observedOn: d.observedOn, qualifier: d.qualifier ?? r.qualifier });
      ind.latest = null;
      for (const candidate of tracked.values()) if (!ind.latest || candidate.observedOn >= ind.latest.observedOn) ind.latest = candidate;
      break;
    }
    case 'MilestoneReached': {
      const m = doc.milestones.find((x) => x.milestoneId === event.data.milestoneId);
      if (m) { m.reached = event.data.reached; m.statedOn = event.data.statedOn; m.reachedOn = event.data.reachedOn; m.evidence = event.data.evidence; }
      break;
    }
    case 'MilestoneRescheduled': {
      const m = doc.milestones.find((x) => x.milestoneId === event.data.milestoneId);
      if (m) {
        m.rescheduled.push({ from: m.due, to: event.data.due, reason: event.data.reason });
        m.due = event.data.due;
        if (event.data.uncertain) m.uncertain = true;
        else delete m.uncertain;
        // A new due date replaces a relative horizon too.
        delete m.horizon;
        m.dueFr = printedDueFr(m);
      }
      break;
    }
    case 'MilestoneDefinitionCorrected': {
      const m = doc.milestones.find((x) => x.milestoneId === event.data.milestoneId);
      if (m) {
        m.due = event.data.due;
        if (event.data.uncertain) m.uncertain = true;
        else delete m.uncertain;
        if (event.data.horizon) m.horizon = event.data.horizon;
        else delete m.horizon;
        m.dueFr = printedDueFr(m);
      }
      break;
    }
    case 'ProjectCompleted':
      doc.outcome = outcomesSetBy({ version: doc.version, status: doc.status }, event)[0] ?? null;
      doc.status = 'completed';
      break;
    case 'ProjectAbandoned':
      doc.outcome = outcomesSetBy({ version: doc.version, status: doc.status }, event)[0] ?? null;
      doc.status = 'abandoned';
      break;
    case 'SheetRetired': {
      const d = event.data;
      if (doc.status === 'active') doc.status = 'retired';
      doc.retired = { version: d.version, reason: d.reason, explanation: d.explanation, effectiveOn: d.effectiveOn, mergedInto: d.mergedInto };
      break;
    }
    case 'SheetCarriedOver': {
      const d = event.data;
      Object.assign(doc, d.changes);
      doc.version = d.toVersion;
      doc.versions = [...doc.versions, { version: d.toVersion, number: doc.number }];
      for (const i of d.addedIndicators) doc.indicators.push({ ...i, targets: targetViews(i), latest: null, reportCount: 0, frequency: null });
      for (const m of d.addedMilestones) doc.milestones.push(milestoneView(m));
      break;
    }
  }
  return doc;
}

/** The calendar day on which an event's fact was true in the world, or null for plan/definition events. */
export function validDayOf(stored: Pick<FoldedEvent, 'type' | 'data'>): string | null {
  const d = stored.data as Record<string, unknown>;
  switch (stored.type) {
    case 'IndicatorReported':
    case 'IndicatorReportCorrected':
      return d.observedOn as string;
    case 'MilestoneReached':
      return d.reachedOn as string;
    case 'ProjectCompleted':
      return d.completedOn as string;
    case 'ProjectAbandoned':
      return d.effectiveOn as string;
    case 'SheetRetired':
      return (d.effectiveOn as string | null) ?? null;
    default:
      return null;
  }
}
