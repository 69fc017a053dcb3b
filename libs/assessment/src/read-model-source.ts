import { compareVersionLabels, formatDatedFr, isDatedLabel, notFound, parseDated, roadmapStream } from '#domain';
import type { EventStore } from '#event-store';
import { outcomeOf, type DataQualityReadModel, type IndicatorSeriesReadModel, type RoadmapsReadModel, type SheetInVersion, type SheetsReadModel } from '#projections';
import { assessmentPeriod } from './assessment-generator.js';
import type { AssessmentInput, AssessmentSource, IndicatorInput, SheetInput, ValueAt } from './assessment.model.js';

/** The read models an assessment is drawn from. */
export interface AssessmentSources {
  roadmaps: RoadmapsReadModel;
  sheets: SheetsReadModel;
  series: IndicatorSeriesReadModel;
  /** Without it, the assessment lists no finding. */
  dataQuality?: DataQualityReadModel;
  /** The log and its hash chain: with them the assessment names the position it was built from, and can be read as known at an instant. */
  log?: AssessmentLog;
}

/** What the assessment reads from the log itself: record times by position, the roadmap stream, the chain's links. */
export interface AssessmentLog {
  store: Pick<EventStore, 'readAll' | 'readStream' | 'headPosition'>;
  /** The chain's hash of the event at a position, null when the chain does not reach it (an implementation may wait for it a moment). */
  chainHashAt(position: number): string | null | Promise<string | null>;
}

/**
 * Reads what an assessment needs through the read APIs, which answer with a handful of SQL queries
 * (the last two observation dates per indicator come from a window function, not from folding the
 * reports), so that ten years of weekly reports cost no more than a few index scans.
 */
export function loadAssessmentInput(sources: AssessmentSources, roadmapId: string, version: string, until: string | null): AssessmentInput {
  const roadmap = sources.roadmaps.get(roadmapId);
  if (!roadmap) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
  return assemble(sources, roadmap, roadmap.versions, sources.sheets.members({ roadmapId, version }), version, until, undefined);
}

/**
 * The assessment's inputs as the tracker knew them at `knownAt` (record time), and the position
 * they were read at: without `knownAt`, the log's head now. Versions are folded from the roadmap
 * stream cut at that instant, the memberships and documents from each sheet's stream (the cost: one
 * fold of every sheet of the version), the series and findings from their read models' `knownAt`.
 */
export async function loadAssessmentInputAt(sources: AssessmentSources & { log: AssessmentLog }, roadmapId: string, version: string, until: string | null, knownAt?: string): Promise<AssessmentInput> {
  if (knownAt === undefined) {
    const position = await sources.log.store.headPosition();
    const input = loadAssessmentInput(sources, roadmapId, version, until);
    const head = position === 0 ? null : (await sources.log.store.readAll({ fromPosition: position - 1, limit: 1 }))[0];
    return { ...input, source: { knownAt: head?.metadata.recordedAt ?? new Date(0).toISOString(), position, chainHead: await sources.log.chainHashAt(position) } };
  }
  const at = new Date(knownAt).toISOString();
  const roadmap = sources.roadmaps.get(roadmapId);
  if (!roadmap) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
  const versions = await versionsKnownAt(sources.log, roadmapId, at);
  const source: AssessmentSource = { knownAt: at, position: 0, chainHead: null };
  source.position = await positionKnownAt(sources.log, at);
  source.chainHead = source.position === 0 ? null : await sources.log.chainHashAt(source.position);
  const members = versions.some((v) => v.version === version) ? await sources.sheets.membersKnownAt(roadmapId, version, at) : [];
  return { ...assemble(sources, roadmap, versions, members, version, until, at), source };
}

const inFrench = (label: string | null): string | null => (label !== null && isDatedLabel(label) ? formatDatedFr(parseDated(label)) : null);

type RoadmapVersions = NonNullable<ReturnType<RoadmapsReadModel['get']>>['versions'];

/** The roadmap's versions as recorded by `knownAt`, V1 first (the roadmaps read model keeps only the latest). */
async function versionsKnownAt(log: AssessmentLog, roadmapId: string, knownAt: string): Promise<RoadmapVersions> {
  const rows = new Map<string, RoadmapVersions[number]>();
  for (const e of await log.store.readStream(roadmapStream(roadmapId), { recordedUntil: knownAt })) {
    const d = e.data as { version: string; basedOn?: string | null; draftedOn?: string | null; adoptedOn?: string; adoptedBy?: string; facts?: unknown; by?: string; on?: string | null; sheetCount?: RoadmapVersions[number]['sheetCount'] };
    if (e.type === 'RoadmapVersionDrafted') {
      rows.set(d.version, {
        roadmapId, version: d.version, status: 'draft', basedOn: d.basedOn ?? null, draftedOn: d.draftedOn ?? null, adoptedOn: null, adoptedBy: null, facts: null,
        supersededBy: null, supersededOn: null, sheetCount: null, draftedOnFr: inFrench(d.draftedOn ?? null), adoptedOnFr: null,
      });
    } else if (e.type === 'RoadmapVersionAdopted' && rows.has(d.version)) {
      rows.set(d.version, { ...rows.get(d.version)!, status: 'adopted', adoptedOn: d.adoptedOn ?? null, adoptedBy: d.adoptedBy ?? null, sheetCount: d.sheetCount ?? null, adoptedOnFr: inFrench(d.adoptedOn ?? null) });
    } else if (e.type === 'RoadmapVersionAdoptionWithdrawn' && rows.has(d.version)) {
      rows.set(d.version, { ...rows.get(d.version)!, status: 'superseded', adoptedOn: null, adoptedBy: null, adoptedOnFr: null, sheetCount: null, supersededBy: d.by ?? null, supersededOn: null });
    } else if (e.type === 'RoadmapVersionSuperseded' && rows.has(d.version)) {
      rows.set(d.version, { ...rows.get(d.version)!, status: 'superseded', supersededBy: d.by ?? null, supersededOn: d.on ?? null });
    }
  }
  return [...rows.values()].sort((a, b) => compareVersionLabels(a.version, b.version));
}

/**
 * The position of the last event recorded by `knownAt`: a binary search over positions, record
 * times growing with them, so a million events cost some twenty one-event reads.
 */
async function positionKnownAt(log: AssessmentLog, knownAt: string): Promise<number> {
  let lo = 0;
  let hi = await log.store.headPosition();
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const e = (await log.store.readAll({ fromPosition: mid - 1, limit: 1 }))[0];
    if (e && e.metadata.recordedAt <= knownAt) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function assemble(sources: AssessmentSources, roadmap: NonNullable<ReturnType<RoadmapsReadModel['get']>>, versions: RoadmapVersions, rows: SheetInVersion[], version: string, until: string | null, knownAt: string | undefined): AssessmentInput {
  const roadmapId = roadmap.roadmapId;
  if (!versions.some((v) => v.version === version)) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${version}`, { version });
  const period = assessmentPeriod(versions, version, until);
  const end = period.end ?? '9999-12-31';

  const sheetIds = rows.map((r) => r.sheetId);
  // A version's record: the figures recorded while its sheets were in it (Annexe 2's, printed in V4,
  // are not the V3 record even when observed during V3's period).
  const counts = sources.series.reportCounts(sheetIds, end, knownAt, version);
  const series = new Map<string, IndicatorInput['series']>();
  const lastDates = sources.series.lastTwoDays(sheetIds, end, knownAt, version);
  const valueAt = (sheetId: string, indicatorId: string, zone: string, observedOn: string): ValueAt =>
    ({ observedOn, ...sources.series.regionalQuantityOn(sheetId, indicatorId, zone, observedOn, knownAt, version) });
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
      milestones: doc.milestones.map((m) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due, uncertain: m.uncertain, horizon: m.horizon, reachedOn: m.reachedOn, reached: m.reached, rescheduled: m.rescheduled.length })),
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
    version, versions: versions.map((v) => ({ version: v.version, status: v.status, adoptedOn: v.adoptedOn, sheetCount: v.sheetCount })), until, sheets,
    findings: sources.dataQuality?.findings(roadmapId, knownAt ? { knownAt } : {}) ?? [],
  };
}
