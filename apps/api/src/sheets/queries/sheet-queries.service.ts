import { Inject, Injectable } from '@nestjs/common';
import { invalid, isCalendarDate, isTerritory, notFound, sheetStream } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { applySheetEvent, validDayOf, type LatestValue, type SheetView } from '#projections';
import { ReadModels } from '../../infrastructure/read-models.service.js';
import { EVENT_STORE, READ_DB } from '../../infrastructure/tokens.js';
import type { Database } from 'better-sqlite3';

export interface TimeTravel {
  /** Valid time: facts true on or before this day. */
  asOf?: string;
  /** Record time: what the tracker knew at this instant. */
  knownAt?: string;
}

export function parseTimeTravel(query: Record<string, string | undefined>): TimeTravel {
  const out: TimeTravel = {};
  if (query.asOf !== undefined) {
    if (!isCalendarDate(query.asOf)) throw invalid('invalid_date', 'asOf must be a real calendar date (YYYY-MM-DD)', { field: 'asOf' });
    out.asOf = query.asOf;
  }
  if (query.knownAt !== undefined) {
    const t = Date.parse(query.knownAt);
    if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(query.knownAt) || Number.isNaN(t)) {
      throw invalid('invalid_timestamp', 'knownAt must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z)', { field: 'knownAt' });
    }
    out.knownAt = new Date(t).toISOString();
  }
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

/** Events read at a time when a query folds a whole stream. */
const FOLD_CHUNK = 2000;

@Injectable()
export class SheetQueries {
  constructor(
    private readonly readModels: ReadModels,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_DB) private readonly db: Database,
  ) {}

  /** The sheet's events as known at `knownAt`, keeping only facts true by `asOf`. */
  async events(sheetId: string, tt: TimeTravel): Promise<StoredEvent[]> {
    const events = await this.store.readStream(sheetStream(sheetId), tt.knownAt ? { recordedUntil: tt.knownAt } : {});
    if (!tt.asOf) return events;
    const asOf = tt.asOf;
    return events.filter((e) => {
      const day = validDayOf(e);
      return day === null || day <= asOf;
    });
  }

  /**
   * Folds the (filtered) stream in memory: the sheet as it stood, or as it was known. Read in chunks
   * of revisions, so that a long stream never sits in memory whole: only the fold's state does.
   */
  async sheetAt(sheetId: string, tt: TimeTravel): Promise<SheetView | null> {
    if (tt.asOf && !tt.knownAt) return this.sheetAsOf(sheetId, tt.asOf);
    const stream = sheetStream(sheetId);
    const last = await this.store.streamRevision(stream);
    let doc: SheetView | null = null;
    const reports = new Map<string, Map<string, LatestValue>>();
    for (let fromRevision = 0; fromRevision <= last; fromRevision += FOLD_CHUNK) {
      const chunk = await this.store.readStream(stream, { fromRevision, toRevision: Math.min(last, fromRevision + FOLD_CHUNK - 1), ...(tt.knownAt ? { recordedUntil: tt.knownAt } : {}) });
      for (const e of chunk) {
        if (tt.asOf) {
          const day = validDayOf(e);
          if (day !== null && day > tt.asOf) continue;
        }
        doc = applySheetEvent(doc, e, reports);
      }
    }
    return doc;
  }

  /**
   * The same fold as sheetAt, started from the sheets projection's time-travel snapshots: the last
   * snapshot whose events all have a valid day on or before asOf is exactly the filtered fold up to
   * its revision. After it come the events up to the next snapshot (read and filtered), then only the
   * exceptions the projection listed (events that did not move valid time forward), then whatever
   * the projection has not seen yet. A correction in that tail needs the regional reports already
   * folded into the snapshot: they are read from the reports table as they stood at its position.
   */
  private async sheetAsOf(sheetId: string, asOf: string): Promise<SheetView | null> {
    const stream = sheetStream(sheetId);
    const plan = this.db.transaction(() => {
      const snap = this.db.prepare(`SELECT revision, position, doc FROM sheet_snapshots WHERE sheetId = ? AND maxValidDay <= ?
        ORDER BY maxValidDay DESC, revision DESC LIMIT 1`).get(sheetId, asOf) as { revision: number; position: number; doc: string } | undefined;
      const from = snap?.revision ?? -1;
      const next = this.db.prepare('SELECT MIN(revision) FROM sheet_snapshots WHERE sheetId = ? AND revision > ?').pluck().get(sheetId, from) as number | null;
      const projected = (this.db.prepare('SELECT revision FROM sheet_summary WHERE sheetId = ?').pluck().get(sheetId) as number | undefined) ?? -1;
      const exceptions = next === null ? [] : (this.db.prepare(`SELECT revision FROM sheet_timeline_exceptions WHERE sheetId = ? AND revision > ? AND revision <= ?
        AND (validDay IS NULL OR validDay <= ?) ORDER BY revision`).pluck().all(sheetId, next, projected, asOf) as number[]);
      return { snap, from, next, projected, exceptions };
    })();
    const ranges: Array<[number, number]> = [];
    if (plan.next === null) ranges.push([plan.from + 1, Number.MAX_SAFE_INTEGER]);
    else {
      ranges.push([plan.from + 1, plan.next]);
      for (const r of plan.exceptions) {
        const last = ranges[ranges.length - 1]!;
        if (r === last[1] + 1) last[1] = r;
        else ranges.push([r, r]);
      }
      ranges.push([Math.max(plan.next, plan.projected) + 1, Number.MAX_SAFE_INTEGER]);
    }
    const tail: StoredEvent[] = [];
    for (const [fromRevision, toRevision] of ranges) {
      for (const e of await this.store.readStream(stream, { fromRevision, toRevision })) {
        const day = validDayOf(e);
        if (day === null || day <= asOf) tail.push(e);
      }
    }
    let doc: SheetView | null = plan.snap ? (JSON.parse(plan.snap.doc) as SheetView) : null;
    // Reports corrected in the tail, per indicator: what the regional reports seeded below must cover.
    const correctedInTail = new Map<string, Set<string>>();
    for (const e of tail) {
      if (e.type !== 'IndicatorReportCorrected') continue;
      const d = e.data as { indicatorId: string; reportId: string };
      if (!correctedInTail.has(d.indicatorId)) correctedInTail.set(d.indicatorId, new Set());
      correctedInTail.get(d.indicatorId)!.add(d.reportId);
    }
    const reports = new Map<string, Map<string, LatestValue>>();
    const seeded = new Set<string>();
    for (const e of tail) {
      if (plan.snap && e.type === 'IndicatorReportCorrected') {
        const indicatorId = (e.data as { indicatorId: string }).indicatorId;
        if (!seeded.has(indicatorId)) {
          seeded.add(indicatorId);
          reports.set(indicatorId, this.regionalReportsAt(sheetId, indicatorId, plan.snap.position, correctedInTail.get(indicatorId)!, reports.get(indicatorId)));
        }
      }
      doc = applySheetEvent(doc, e, reports);
    }
    return doc;
  }

  /**
   * The regional reports of an indicator as folded up to `position` (in log order, then those already
   * folded after it) that a correction in the tail can need: the fold keeps as latest the last report
   * in log order with the greatest date. Only the reports corrected up to `position` or in the tail
   * change date, so with k of them corrected in the tail, the latest is always among those corrected
   * ones, the reports added in the tail, and the k + 1 greatest (date, position) of the others: the
   * rest can never come first, and leaving them out changes no answer.
   */
  private regionalReportsAt(sheetId: string, indicatorId: string, position: number, tailCorrected: Set<string>, after?: Map<string, LatestValue>): Map<string, LatestValue> {
    type Row = LatestValue & { position: number };
    const corrections = this.db.prepare(`SELECT reportId, value, observedOn FROM indicator_report_corrections
      WHERE sheetId = ? AND indicatorId = ? AND position <= ? ORDER BY position`).all(sheetId, indicatorId, position) as Array<{ reportId: string; value: number; observedOn: string }>;
    const corrected = new Set([...corrections.map((c) => c.reportId), ...tailCorrected]);
    const rows = new Map<string, Row>();
    const byId = this.db.prepare(`SELECT reportId, originalValue AS value, originalObservedOn AS observedOn, territory, position FROM indicator_reports
      WHERE reportId = ? AND sheetId = ? AND indicatorId = ? AND position <= ? AND (territory IS NULL OR territory = '24')`);
    for (const id of corrected) {
      const row = byId.get(id, sheetId, indicatorId, position) as Row | undefined;
      if (row) rows.set(id, row);
    }
    const top = this.db.prepare(`SELECT reportId, originalValue AS value, originalObservedOn AS observedOn, territory, position FROM indicator_reports
      WHERE sheetId = ? AND indicatorId = ? AND position <= ? AND (territory IS NULL OR territory = '24')
      ORDER BY originalObservedOn DESC, position DESC LIMIT ?`).all(sheetId, indicatorId, position, corrected.size + tailCorrected.size + 1) as Row[];
    let kept = 0;
    for (const row of top) {
      if (kept > tailCorrected.size) break;
      if (corrected.has(row.reportId)) continue;
      rows.set(row.reportId, row);
      kept++;
    }
    for (const c of corrections) {
      const r = rows.get(c.reportId);
      if (r) { r.value = c.value; r.observedOn = c.observedOn; }
    }
    const out = new Map<string, LatestValue>([...rows.values()].sort((a, b) => a.position - b.position)
      .map((r) => [r.reportId, { reportId: r.reportId, value: r.value, observedOn: r.observedOn, territory: r.territory }]));
    for (const [id, v] of after ?? []) out.set(id, v);
    return out;
  }

  async sheet(sheetId: string, query: Record<string, string | undefined>): Promise<unknown> {
    const tt = parseTimeTravel(query);
    if (!tt.asOf && !tt.knownAt) return this.readModels.getSheet(sheetId);
    const doc = await this.sheetAt(sheetId, tt);
    if (!doc) throw notFound('sheet_not_found', `no sheet ${sheetId}${tt.knownAt ? ` known at ${tt.knownAt}` : ''}`, { sheetId });
    return { ...doc, asOf: tt.asOf ?? null, knownAt: tt.knownAt ?? null };
  }

  async list(query: Record<string, string | undefined>): Promise<unknown> {
    const tt = parseTimeTravel(query);
    const filter = { version: query.version, enjeu: query.enjeu, status: query.status, pilot: query.pilot, roadmapId: query.roadmapId };
    const items = this.readModels.listSheets(filter);
    if (!tt.asOf && !tt.knownAt) return items;
    // Time travel: each listed sheet folded as of the date; sheets unknown then drop out.
    const out: unknown[] = [];
    for (const item of items) {
      const doc = await this.sheetAt(item.sheetId as string, tt);
      if (!doc) continue;
      if (filter.status && doc.status !== filter.status) continue;
      out.push({
        ...item, status: doc.status, currentVersion: doc.version, revision: doc.revision,
        indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
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
    return {
      sheetId, indicatorId, name: ind.name, unit: ind.unit, targets: ind.targets, territory: query.territory ?? null, asOf: tt.asOf ?? null, knownAt: tt.knownAt ?? null,
      points: query.aggregate === 'region' ? this.readModels.seriesByRegion(points) : points,
    };
  }
}
