import { Inject, Injectable } from '@nestjs/common';
import { DomainError, formatDatedFr, formatQuantityFr, invalid, isTerritory, isVersionLabel, notFound, parseDated, REGION_CODE, sheetStream } from '#domain';
import type { EventStore } from '#event-store';
import { applySheetEvent, DataQualityReadModel, findingsOnFigure, outcomeOf, SheetsReadModel, validDayOf, type LatestValue, type SheetView, type TimeTravel } from '#projections';
import { ReadModels } from '../../infrastructure/read-models.service.js';
import { EVENT_STORE } from '../../infrastructure/tokens.js';

export type { TimeTravel };

/**
 * The time-travel parameters of a query, already validated where they come in (TimeTravelQuery for the
 * API, the page context for the dashboard); knownAt is normalised to UTC.
 */
export function parseTimeTravel(query: Record<string, string | undefined>): TimeTravel {
  const out: TimeTravel = {};
  if (query.asOf !== undefined) out.asOf = query.asOf;
  if (query.knownAt !== undefined) out.knownAt = new Date(query.knownAt).toISOString();
  return out;
}

const HIDDEN = new Set(['revision', 'position', 'updatedAt']);

/** What one event changed in the sheet document: top-level fields, and indicators/milestones by id. */
export function diffViews(before: SheetView | null, after: SheetView): Array<{ path: string; before: unknown; after: unknown }> {
  const changes: Array<{ path: string; before: unknown; after: unknown }> = [];
  const b = (before ?? {}) as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const key of Object.keys(a)) {
    if (HIDDEN.has(key)) continue;
    if (key === 'indicators' || key === 'milestones') {
      const idKey = key === 'indicators' ? 'indicatorId' : 'milestoneId';
      const old = new Map(((b[key] as Array<Record<string, unknown>>) ?? []).map((x) => [x[idKey], x]));
      for (const item of a[key] as Array<Record<string, unknown>>) {
        const prev = old.get(item[idKey]);
        for (const field of Object.keys(item)) {
          if (JSON.stringify(prev?.[field]) !== JSON.stringify(item[field])) changes.push({ path: `${key}.${String(item[idKey])}.${field}`, before: prev?.[field] ?? null, after: item[field] });
        }
      }
      continue;
    }
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) changes.push({ path: key, before: b[key] ?? null, after: a[key] });
  }
  return changes;
}

@Injectable()
export class SheetQueries {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
  ) {}

  async sheet(sheetId: string, query: Record<string, string | undefined>): Promise<unknown> {
    const tt = parseTimeTravel(query);
    if (query.version !== undefined) {
      if (!isVersionLabel(query.version)) throw invalid('invalid_query', 'version must be a version such as V3', { field: 'version' });
      // Each parameter is valid on its own; together they ask what the read models do not keep (a version's document in time).
      if (tt.asOf || tt.knownAt) throw new DomainError('version_with_time_travel', 'version cannot be combined with asOf or knownAt', 'rule', { field: 'version' });
      const current = this.readModels.getSheet(sheetId);
      const doc = this.sheets.get(sheetId, { version: query.version });
      const row = this.sheets.versions(sheetId).find((r) => r.version === query.version);
      if (!doc || !row) throw notFound('version_not_found', `sheet ${sheetId} did not belong to ${query.version}`, { sheetId, version: query.version });
      // The document as it was in that version, linked to every version the sheet belonged to and
      // saying how it ended there (for a carry-over: into which version, and why it continued).
      return { ...doc, versions: current.versions, currentVersion: current.version, versionOutcome: outcomeOf(row) };
    }
    if (!tt.asOf && !tt.knownAt) return this.readModels.getSheet(sheetId);
    const doc = await this.sheets.at(sheetId, tt);
    if (!doc) throw notFound('sheet_not_found', `no sheet ${sheetId}${tt.knownAt ? ` known at ${tt.knownAt}` : ''}`, { sheetId });
    // The fold's document is this query's own: the two bounds are added to it rather than to a copy
    // (the same keys in the same order as a spread would give, one document less per query).
    return Object.assign(doc, { asOf: tt.asOf ?? null, knownAt: tt.knownAt ?? null });
  }

  async list(query: Record<string, string | undefined>): Promise<unknown> {
    const tt = parseTimeTravel(query);
    const filter = { version: query.version, enjeu: query.enjeu, status: query.status, pilot: query.pilot, roadmapId: query.roadmapId };
    const items = this.readModels.listSheets(filter);
    if (!tt.asOf && !tt.knownAt) return items;
    // Time travel: each listed sheet folded as of the date; sheets unknown then drop out. Listed by
    // version, a sheet shows its content in that version as of the date (for one carried over since,
    // the document it left the version with), never the next version's indicators and milestones.
    const out: unknown[] = [];
    for (const item of items) {
      const { inVersion: doc, current } = filter.version
        ? await this.sheets.atInVersion(item.sheetId, filter.version, tt)
        : { inVersion: await this.sheets.at(item.sheetId, tt), current: null };
      if (!doc) continue;
      if (filter.status && doc.status !== filter.status) continue;
      out.push({
        ...item, status: doc.status, currentVersion: (current ?? doc).version, revision: doc.revision,
        indicators: doc.indicators.length, indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length,
        milestones: doc.milestones.length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
      });
    }
    return out;
  }

  async history(sheetId: string, opts: { after?: number; limit?: number } = {}): Promise<unknown> {
    const events = await this.store.readStream(sheetStream(sheetId));
    if (events.length === 0) throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    let doc: SheetView | null = null;
    const reports = new Map<string, Map<string, LatestValue>>();
    const out = [];
    for (const e of events) {
      const before: SheetView | null = doc ? structuredClone(doc) : null;
      doc = applySheetEvent(doc, e, reports);
      if (opts.after !== undefined && e.revision <= opts.after) continue;
      out.push({
        id: e.id, type: e.type, revision: e.revision, position: e.position, recordedAt: e.metadata.recordedAt, validOn: validDayOf(e),
        actor: e.metadata.actor, source: e.metadata.source, correlationId: e.metadata.correlationId, causationId: e.metadata.causationId,
        data: e.data, changes: doc ? diffViews(before, doc) : [],
      });
      if (opts.limit && out.length >= opts.limit) break;
    }
    return { sheetId, events: out };
  }

  series(sheetId: string, indicatorId: string, query: Record<string, string | undefined>): unknown {
    const tt = parseTimeTravel(query);
    if (query.territory !== undefined && !isTerritory(query.territory)) throw invalid('invalid_territory', 'territory must be 24 or one of 18, 28, 36, 37, 41, 45', { field: 'territory' });
    if (query.aggregate !== undefined && query.aggregate !== 'region') throw invalid('invalid_aggregate', 'aggregate must be "region"', { field: 'aggregate' });
    const points = this.readModels.series(sheetId, indicatorId, { territory: query.territory, asOf: tt.asOf, knownAt: tt.knownAt });
    const sheet = this.readModels.getSheet(sheetId);
    const ind = sheet.indicators.find((i) => i.indicatorId === indicatorId)!;
    // Each printed figure names the open findings about it (the document contradicts it), as known at knownAt.
    const findings = this.dataQuality.findings(sheet.roadmapId, { knownAt: tt.knownAt, sheetId });
    const withFindings = points.map((p) => ({ ...p, findings: findingsOnFigure(findings, { sheetId, indicatorId, territory: p.territory ?? REGION_CODE, zone: p.zone }).map((f) => f.findingId) }));
    return {
      // A territory's series shows that territory's targets only: a department's target is not the region's, nor another's.
      sheetId, indicatorId, name: ind.name, unit: ind.unit,
      targets: query.territory === undefined ? ind.targets : ind.targets.filter((t) => (t.territory ?? REGION_CODE) === query.territory), territory: query.territory ?? null, asOf: tt.asOf ?? null, knownAt: tt.knownAt ?? null,
      // Each value as printed: its date ("au 1er trimestre 2023", "en 2023") and its qualifier ("environ 44 %").
      points: query.aggregate === 'region' ? this.readModels.seriesByRegion(points) : withFindings.map((p) => ({
        ...p, observedFr: formatDatedFr(parseDated(p.observed)), valueFr: formatQuantityFr({ value: p.value, qualifier: p.qualifier }, ind.unit),
      })),
    };
  }
}
