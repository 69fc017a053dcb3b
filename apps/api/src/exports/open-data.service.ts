import { Inject, Injectable } from '@nestjs/common';
import {
  againstFinalTarget, compareVersionLabels, finalTarget, finalTargetFor, formatDatedFr, formatQuantityFr, invalid, isCalendarDate, parseDated, parseVersionLabel, REGION_CODE, regionalCounterpart,
  scopeOf, targetsFor, TERRITORIES, type FindingTarget, type Scope,
} from '#domain';
import { DataQualityReadModel, EventFeedReadModel, IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel, type RoadmapEnjeu, type SheetView, type TargetView } from '#projections';
import type { CsvValue } from './csv-writer.js';
import type { CatalogFacts } from './dcat-catalog.js';

export type Row = Record<string, CsvValue>;

export interface ExportFilter {
  roadmapId?: string;
  sheetId?: string;
  /** Sheets dataset: the sheets of that version (default: each sheet in its current version). */
  version?: string;
  /** Series dataset: only values observed on or before this day. */
  asOf?: string;
}

export function parseExportFilter(query: Record<string, string | undefined>): ExportFilter {
  if (query.asOf !== undefined && !isCalendarDate(query.asOf)) throw invalid('invalid_date', 'asOf must be a real calendar date (YYYY-MM-DD)', { field: 'asOf' });
  if (query.version !== undefined) parseVersionLabel(query.version);
  return { roadmapId: query.roadmapId, sheetId: query.sheetId, version: query.version, asOf: query.asOf };
}

/**
 * The target in force on a day for a scope: among the targets of that scope only (for the region,
 * those without a territory when it has none: finalTargetFor), the largest of those of the first
 * date on or after it, else the final one.
 */
export function targetOn(ind: { targets: TargetView[] }, scope: Scope, day: string): TargetView | null {
  const counterpart = regionalCounterpart(scope);
  let own = targetsFor(scope, ind.targets);
  if (own.length === 0 && counterpart) own = targetsFor(counterpart, ind.targets);
  const next = own.filter((t) => t.by !== null && t.by >= day).map((t) => t.by!).sort()[0];
  const within = own.length && own[0] ? scopeOf(own[0]) : scope;
  return next ? finalTarget({ targets: own.filter((t) => t.by === next) }, within) : finalTarget({ targets: own }, within);
}

/** The scope of a row whose zone may be free text written before zones were checked: such a row has no target. */
function scopeOrNull(row: { territory: string | null; zone: string | null }): Scope | null {
  try {
    return scopeOf(row);
  } catch {
    return null;
  }
}

const numberKey = (n: unknown) => String(n ?? '').split('.').map((p) => p.padStart(4, '0')).join('.');
const joined = (ids: readonly string[] | null | undefined) => (ids ?? []).join(';');
/** A figure in a CSV cell: a number or a text as is, a structure as JSON. */
const cell = (v: unknown): CsvValue => (v === null || v === undefined || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? v : JSON.stringify(v));
const targetText = (t: FindingTarget): string => {
  if (!t.sheetId && !t.territory) return `§ ${t.section}`;
  const place = t.territory ? `@${t.territory}${t.zone !== undefined ? `:${t.zone ?? 'tout'}` : ''}` : '';
  return `${t.sheetId ?? ''}${t.indicatorId ? `/${t.indicatorId}` : ''}${place}`;
};

/**
 * Builds the open-data rows from the read models. Public data only: the event log's actors and
 * correlation ids never appear here.
 */
@Injectable()
export class OpenDataExports {
  constructor(
    @Inject(SheetsReadModel) private readonly sheetModel: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly indicatorSeries: IndicatorSeriesReadModel,
    @Inject(RoadmapsReadModel) private readonly roadmaps: RoadmapsReadModel,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
  ) {}

  private enjeux(): Map<string, Map<string, RoadmapEnjeu>> {
    const out = new Map<string, Map<string, RoadmapEnjeu>>();
    for (const r of this.roadmaps.list()) out.set(r.roadmapId, new Map(r.enjeux.map((e) => [e.enjeuId, e])));
    return out;
  }

  private keys(enjeux: Map<string, Map<string, RoadmapEnjeu>>, s: { roadmapId: string; sheetId: string; version: string; number: string | null; enjeu: string | null }): Row {
    const enjeu = s.enjeu ? enjeux.get(s.roadmapId)?.get(s.enjeu) : undefined;
    return { roadmapId: s.roadmapId, sheetId: s.sheetId, version: s.version, sheetNumber: s.number, enjeuId: s.enjeu, enjeuNumber: enjeu?.number ?? null, enjeuTitle: enjeu?.title ?? null };
  }

  private docs(filter: ExportFilter): SheetView[] {
    return this.sheetModel.documents({ roadmapId: filter.roadmapId, sheetId: filter.sheetId }).sort((a, b) => `${a.roadmapId}|${numberKey(a.number)}`.localeCompare(`${b.roadmapId}|${numberKey(b.number)}`));
  }

  /** One row per finding and figure it compares (one row for a finding without a figure). */
  findings(filter: ExportFilter & { status?: string }): Row[] {
    const out: Row[] = [];
    for (const r of this.roadmaps.list().filter((x) => !filter.roadmapId || x.roadmapId === filter.roadmapId)) {
      for (const f of this.dataQuality.findings(r.roadmapId, { sheetId: filter.sheetId, status: filter.status as never })) {
        const common = {
          roadmapId: r.roadmapId, findingId: f.findingId, status: f.status, description: f.description,
          sheetIds: joined([...new Set(f.refersTo.flatMap((t) => (t.sheetId ? [t.sheetId] : [])))]), refersTo: f.refersTo.map(targetText).join(';'),
          provenance: f.provenance.map((p) => `${p.section} — « ${p.quote} »`).join(' | '), recordedAt: f.recordedAt.slice(0, 10),
          resolution: f.resolution?.resolution ?? null, resolvedOn: f.resolution?.on ?? null, withdrawnReason: f.withdrawal?.reason ?? null,
        };
        const figures = f.figures.length ? f.figures : [null];
        for (const fig of figures) out.push({ ...common, figureLabel: fig?.label ?? null, printed: cell(fig?.printed), recomputed: cell(fig?.recomputed), recomputedAs: fig?.recomputedAs ?? null });
      }
    }
    return out;
  }

  sheets(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const rows = this.sheetModel.members({ version: filter.version, roadmapId: filter.roadmapId, sheetId: filter.sheetId });
    return rows
      .sort((a, b) => a.roadmapId.localeCompare(b.roadmapId) || compareVersionLabels(a.version, b.version) || numberKey(a.number).localeCompare(numberKey(b.number)))
      .map((v) => {
        const doc = v.doc;
        return {
          ...this.keys(enjeux, { roadmapId: v.roadmapId, sheetId: v.sheetId, version: v.version, number: v.number, enjeu: v.enjeu }),
          kind: v.kind, title: v.title, objective: doc.objective, status: doc.status, outcome: v.outcome, outcomeDate: v.outcomeOn,
          nextVersion: v.nextVersion, mergedInto: v.mergedInto, pilots: joined(doc.pilots), partners: joined(doc.partners),
          indicatorCount: doc.indicators.length, indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length,
          milestoneCount: doc.milestones.length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
        };
      });
  }

  indicators(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const out: Row[] = [];
    for (const doc of this.docs(filter)) {
      for (const ind of doc.indicators) {
        const latest = ind.latest;
        // The final target of the latest value's scope; without a value, the region's (or that of no territory).
        const target = latest
          ? (() => { const scope = scopeOrNull(latest); return scope ? finalTargetFor(ind, scope) : null; })()
          : finalTargetFor(ind, scopeOf({ territory: REGION_CODE }));
        const outcome = latest ? againstFinalTarget(ind, latest) : null;
        out.push({
          ...this.keys(enjeux, doc), sheetTitle: doc.title, indicatorId: ind.indicatorId, indicatorName: ind.name, unit: ind.unit,
          targetValue: target?.value ?? null, targetDate: target?.by ?? null, targetLabel: target?.label ?? null,
          targetDue: target?.due ?? null, targetQualifier: target?.qualifier ?? null,
          targets: ind.targets.map((t) => `${t.value}@${t.by ?? ''}`).join(';'),
          targetsScoped: ind.targets.map((t) => `${t.value}@${t.due ?? ''}@${t.territory ?? ''}@${t.zone ?? ''}@${t.qualifier}`).join(';'),
          latestValue: latest?.value ?? null, latestDate: latest?.observedOn ?? null, latestObserved: latest?.observed ?? null,
          latestQualifier: latest?.qualifier ?? null, reportCount: ind.reportCount,
          targetReached: outcome === 'met' ? true : outcome === 'not_met' ? false : null,
        });
      }
    }
    return out;
  }

  series(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const docs = new Map(this.docs(filter).map((d) => [d.sheetId, d]));
    const reports = this.indicatorSeries.reports({ asOf: filter.asOf, sheetId: filter.sheetId });
    const out: Array<Row & { order: string }> = [];
    // The sheet as it was in the version a report was recorded in (its current document when unknown).
    const earlier = new Map<string, SheetView | null>();
    const inVersion = (doc: SheetView, version: string | null): SheetView => {
      if (version === null || version === doc.version) return doc;
      const key = `${doc.sheetId}|${version}`;
      if (!earlier.has(key)) earlier.set(key, this.sheetModel.get(doc.sheetId, { version }));
      return earlier.get(key) ?? doc;
    };
    for (const r of reports) {
      const doc = docs.get(r.sheetId);
      const ind = doc?.indicators.find((i) => i.indicatorId === r.indicatorId);
      if (!doc || !ind) continue;
      const code = r.territory ?? REGION_CODE;
      const regional = code === REGION_CODE;
      // A row is compared with the targets of its own territory and zone only.
      const scope = scopeOrNull(r);
      const target = scope ? targetOn(ind, scope, r.observedOn) : null;
      out.push({
        order: `${doc.roadmapId}|${numberKey(doc.number)}|${doc.indicators.indexOf(ind).toString().padStart(4, '0')}|${r.observedOn}|${regional ? '0' : code}|${r.zone ?? ''}`,
        // Filed under the version whose record it is (Annexe 3's figures under V3), with the sheet's number and enjeu there.
        ...this.keys(enjeux, inVersion(doc, r.version)), indicatorId: ind.indicatorId, indicatorName: ind.name, unit: ind.unit,
        territoryCode: code, territoryName: TERRITORIES[code] ?? null, territoryLevel: regional ? 'region' : 'department', zone: r.zone,
        date: r.observedOn, observed: r.observed, observedFr: formatDatedFr(parseDated(r.observed)), value: r.value, qualifier: r.qualifier,
        valueFr: formatQuantityFr({ value: r.value, qualifier: r.qualifier }, ind.unit), corrected: r.corrected,
        targetValue: target?.value ?? null, targetDate: target?.by ?? null, targetDue: target?.due ?? null,
        source: r.source, reportId: r.reportId,
      });
    }
    return out.sort((a, b) => a.order.localeCompare(b.order)).map(({ order: _order, ...row }) => row);
  }
}

/** The facts the DCAT catalogue states: roadmaps and their versions, and the time of the last event. */
@Injectable()
export class OpenDataCatalogFacts {
  constructor(
    @Inject(RoadmapsReadModel) private readonly roadmaps: RoadmapsReadModel,
    @Inject(EventFeedReadModel) private readonly feed: EventFeedReadModel,
  ) {}

  read(): CatalogFacts {
    return {
      roadmaps: this.roadmaps.list().map((r) => ({
        roadmapId: r.roadmapId, title: r.title, regionName: r.region.name ?? '',
        versions: r.versions.map(({ version, status, adoptedOn }) => ({ version, status, adoptedOn })),
      })),
      lastRecordedAt: this.feed.lastRecordedAt(),
    };
  }
}
