import type { Database } from 'better-sqlite3';
import { finalTarget, notFound } from '#domain';
import type { SheetView } from '#projections';
import { assessmentPeriod } from './assessment-generator.js';
import type { AssessmentInput, IndicatorInput, SheetInput, ValueAt } from './assessment.model.js';

interface VersionRow {
  sheetId: string; number: string; enjeu: string | null; title: string; outcome: string; outcomeReason: string | null;
  outcomeExplanation: string | null; outcomeOn: string | null; nextVersion: string | null; mergedInto: string | null; doc: string; nextNumber: string | null;
}

const regional = (territory: string | null) => territory === null || territory === '24';

/**
 * Reads what an assessment needs from the read models with a handful of SQL queries (the last two
 * observation dates per indicator come from a window function, not from folding the reports), so
 * that ten years of weekly reports cost no more than a few index scans.
 */
export function loadAssessmentInput(db: Database, roadmapId: string, version: string, until: string | null): AssessmentInput {
  const roadmap = db.prepare('SELECT roadmapId, title, enjeux FROM roadmaps WHERE roadmapId = ?').get(roadmapId) as { roadmapId: string; title: string; enjeux: string } | undefined;
  if (!roadmap) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
  const versions = db.prepare('SELECT version, status, adoptedOn FROM roadmap_versions WHERE roadmapId = ?').all(roadmapId) as AssessmentInput['versions'];
  if (!versions.some((v) => v.version === version)) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${version}`, { version });
  const period = assessmentPeriod(versions, version, until);
  const end = period.end ?? '9999-12-31';

  const rows = db.prepare(`SELECT v.sheetId, v.number, v.enjeu, v.title, v.outcome, v.outcomeReason, v.outcomeExplanation, v.outcomeOn, v.nextVersion, v.mergedInto, s.doc,
      n.number AS nextNumber
    FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
    LEFT JOIN sheet_versions n ON n.sheetId = v.sheetId AND n.version = v.nextVersion
    WHERE v.roadmapId = ? AND v.version = ?`).all(roadmapId, version) as VersionRow[];

  const sheetIds = rows.map((r) => r.sheetId);
  const counts = new Map<string, number>();
  const series = new Map<string, IndicatorInput['series']>();
  if (sheetIds.length) {
    const ids = JSON.stringify(sheetIds);
    for (const r of db.prepare(`SELECT sheetId, indicatorId, COUNT(*) AS n FROM indicator_reports
        WHERE sheetId IN (SELECT value FROM json_each(?)) AND observedOn <= ? GROUP BY sheetId, indicatorId`).all(ids, end) as Array<{ sheetId: string; indicatorId: string; n: number }>) {
      counts.set(`${r.sheetId}|${r.indicatorId}`, r.n);
    }
    const lastDates = db.prepare(`WITH dated AS (
        SELECT DISTINCT sheetId, indicatorId, IFNULL(zone, '') AS zone, observedOn FROM indicator_reports
        WHERE sheetId IN (SELECT value FROM json_each(?)) AND observedOn <= ?
      ), ranked AS (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY sheetId, indicatorId, zone ORDER BY observedOn DESC) AS rank FROM dated
      )
      SELECT sheetId, indicatorId, zone, observedOn, rank FROM ranked WHERE rank <= 2 ORDER BY sheetId, indicatorId, zone, rank`)
      .all(ids, end) as Array<{ sheetId: string; indicatorId: string; zone: string; observedOn: string; rank: number }>;
    const atDate = db.prepare(`SELECT territory, value FROM indicator_reports
      WHERE sheetId = ? AND indicatorId = ? AND observedOn = ? AND IFNULL(zone, '') = ? ORDER BY position`);
    // The regional value of a date: the region's own report (the last recorded), else the sum of the departments.
    const valueAt = (sheetId: string, indicatorId: string, zone: string, observedOn: string): ValueAt => {
      const reports = atDate.all(sheetId, indicatorId, observedOn, zone) as Array<{ territory: string | null; value: number }>;
      const region = reports.filter((r) => regional(r.territory)).at(-1);
      return { observedOn, value: region ? region.value : reports.reduce((sum, r) => sum + r.value, 0) };
    };
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
  }

  const sheets: SheetInput[] = rows.map((r) => {
    const doc = JSON.parse(r.doc) as SheetView;
    return {
      sheetId: r.sheetId, number: r.number, title: r.title, enjeu: r.enjeu, pilots: doc.pilots,
      outcome: { outcome: r.outcome, reason: r.outcomeReason, explanation: r.outcomeExplanation, on: r.outcomeOn, nextVersion: r.nextVersion, mergedInto: r.mergedInto },
      nextNumber: r.nextNumber,
      milestones: doc.milestones.map((m) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due, reachedOn: m.reachedOn, rescheduled: m.rescheduled.length })),
      indicators: doc.indicators.map((i) => {
        const target = finalTarget(i);
        return {
          indicatorId: i.indicatorId, name: i.name, unit: i.unit, target: target ? { value: target.value, by: target.by, label: target.label ?? null } : null,
          reportCount: counts.get(`${r.sheetId}|${i.indicatorId}`) ?? 0, series: series.get(`${r.sheetId}|${i.indicatorId}`) ?? [],
        };
      }),
    };
  });
  const parsed = JSON.parse(roadmap.enjeux) as AssessmentInput['roadmap']['enjeux'];
  return {
    roadmap: { roadmapId: roadmap.roadmapId, title: roadmap.title, enjeux: parsed.map((e) => ({ enjeuId: e.enjeuId, number: e.number, title: e.title })) },
    version, versions: versions.map((v) => ({ version: v.version, status: v.status, adoptedOn: v.adoptedOn })), until, sheets,
  };
}
