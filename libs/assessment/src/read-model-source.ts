import { notFound } from '#domain';
import { outcomeOf, type DataQualityReadModel, type IndicatorSeriesReadModel, type RoadmapsReadModel, type SheetsReadModel } from '#projections';
import { assessmentPeriod } from './assessment-generator.js';
import type { AssessmentInput, IndicatorInput, SheetInput, ValueAt } from './assessment.model.js';

/** The read models an assessment is drawn from. */
export interface AssessmentSources {
  roadmaps: RoadmapsReadModel;
  sheets: SheetsReadModel;
  series: IndicatorSeriesReadModel;
  /** Without it, the assessment lists no finding. */
  dataQuality?: DataQualityReadModel;
}

/**
 * Reads what an assessment needs through the read APIs, which answer with a handful of SQL queries
 * (the last two observation dates per indicator come from a window function, not from folding the
 * reports), so that ten years of weekly reports cost no more than a few index scans.
 */
export function loadAssessmentInput(sources: AssessmentSources, roadmapId: string, version: string, until: string | null): AssessmentInput {
  const roadmap = sources.roadmaps.get(roadmapId);
  if (!roadmap) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
  const versions = roadmap.versions;
  if (!versions.some((v) => v.version === version)) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${version}`, { version });
  const period = assessmentPeriod(versions, version, until);
  const end = period.end ?? '9999-12-31';

  const rows = sources.sheets.members({ roadmapId, version });
  const sheetIds = rows.map((r) => r.sheetId);
  const counts = sources.series.reportCounts(sheetIds, end);
  const series = new Map<string, IndicatorInput['series']>();
  const lastDates = sources.series.lastTwoDays(sheetIds, end);
  const valueAt = (sheetId: string, indicatorId: string, zone: string, observedOn: string): ValueAt =>
    ({ observedOn, ...sources.series.regionalQuantityOn(sheetId, indicatorId, zone, observedOn) });
  for (let k = 0; k < lastDates.length; k++) {
    const d = lastDates[k]!;
    if (d.rank !== 1) continue;
    const next = lastDates[k + 1];
    const hasPrevious = next && next.rank === 2 && next.sheetId === d.sheetId && next.indicatorId === d.indicatorId && next.zone === d.zone;
    const key = `${d.sheetId}|${d.indicatorId}`;
    if (!series.has(key)) series.set(key, []);
    series.get(key)!.push({
      zone: d.zone === '' ? null : d.zone,
      last: valueAt(d.sheetId, d.indicatorId, d.zone, d.observedOn),
      previous: hasPrevious ? valueAt(d.sheetId, d.indicatorId, d.zone, next.observedOn) : null,
    });
  }

  const sheets: SheetInput[] = rows.map((r) => {
    const doc = r.doc;
    return {
      sheetId: r.sheetId, number: r.number, title: r.title, enjeu: r.enjeu, pilots: doc.pilots,
      outcome: outcomeOf(r),
      nextNumber: r.nextNumber,
      milestones: doc.milestones.map((m) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due, reachedOn: m.reachedOn, rescheduled: m.rescheduled.length })),
      indicators: doc.indicators.map((i) => {
        return {
          indicatorId: i.indicatorId, name: i.name, unit: i.unit,
          targets: i.targets.map((t) => ({ value: t.value, qualifier: t.qualifier, by: t.by, due: t.due, territory: t.territory, zone: t.zone, label: t.label })),
          reportCount: counts.get(`${r.sheetId}|${i.indicatorId}`) ?? 0, series: series.get(`${r.sheetId}|${i.indicatorId}`) ?? [],
        };
      }),
    };
  });
  return {
    roadmap: { roadmapId: roadmap.roadmapId, title: roadmap.title, enjeux: roadmap.enjeux.map((e) => ({ enjeuId: e.enjeuId, number: e.number, title: e.title })) },
    version, versions: versions.map((v) => ({ version: v.version, status: v.status, adoptedOn: v.adoptedOn })), until, sheets,
    findings: sources.dataQuality?.findings(roadmapId) ?? [],
  };
}
