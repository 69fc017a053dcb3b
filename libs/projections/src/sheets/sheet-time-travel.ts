import type { Database, Statement, Transaction } from 'better-sqlite3';
import { sheetStream } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { applySheetEvent, validDayOf, type LatestValue, type SheetView } from './sheet-view.js';

/** Both time axes of a query (see ARCHITECTURE.md, "Time has two axes"). */
export interface TimeTravel {
  /** Valid time: facts true on or before this day. */
  asOf?: string;
  /** Record time: what the tracker knew at this instant. */
  knownAt?: string;
}

/** What time travel reads from the log: a sheet's stream, by revision range. */
export type SheetStreamReader = Pick<EventStore, 'readStream' | 'streamRevision'>;

/** Events read at a time when a query folds a whole stream. */
const FOLD_CHUNK = 2000;

/**
 * A sheet's events as known at `knownAt`, keeping only facts true by `asOf`. Read in chunks of
 * revisions, so that a long stream never sits in memory whole: only the caller's fold state does.
 */
export async function* filteredSheetEvents(store: SheetStreamReader, sheetId: string, tt: TimeTravel): AsyncGenerator<StoredEvent> {
  const stream = sheetStream(sheetId);
  const last = await store.streamRevision(stream);
  for (let fromRevision = 0; fromRevision <= last; fromRevision += FOLD_CHUNK) {
    const chunk = await store.readStream(stream, { fromRevision, toRevision: Math.min(last, fromRevision + FOLD_CHUNK - 1), ...(tt.knownAt ? { recordedUntil: tt.knownAt } : {}) });
    for (const e of chunk) {
      if (tt.asOf) {
        const day = validDayOf(e);
        if (day !== null && day > tt.asOf) continue;
      }
      yield e;
    }
  }
}

interface Plan {
  snap: { revision: number; position: number; doc: string } | undefined;
  from: number;
  next: number | null;
  projected: number;
  exceptions: number[];
}

type ReportRow = LatestValue & { position: number };

/**
 * The sheet as it stood (asOf) or as it was known (knownAt), folded from the log. An asOf-only query
 * starts from the time-travel snapshots that SheetsProjection keeps (every SHEET_SNAPSHOT_EVERY events,
 * with the latest valid day folded into each, and the events that did not move valid time forward
 * listed as exceptions): these rules and the queries that rely on them live together here.
 */
export class SheetTimeTravel {
  private st: {
    snapshot: Statement; nextSnapshot: Statement; projected: Statement; exceptions: Statement;
    corrections: Statement; reportById: Statement; topReports: Statement; plan: Transaction<(sheetId: string, asOf: string) => Plan>;
  } | null = null;

  constructor(private readonly db: Database, private readonly store: SheetStreamReader) {}

  private statements() {
    if (this.st) return this.st;
    const db = this.db;
    const snapshot = db.prepare(`SELECT revision, position, doc FROM sheet_snapshots WHERE sheetId = ? AND maxValidDay <= ?
      ORDER BY maxValidDay DESC, revision DESC LIMIT 1`);
    const nextSnapshot = db.prepare('SELECT MIN(revision) FROM sheet_snapshots WHERE sheetId = ? AND revision > ?').pluck();
    const projected = db.prepare('SELECT revision FROM sheet_summary WHERE sheetId = ?').pluck();
    const exceptions = db.prepare(`SELECT revision FROM sheet_timeline_exceptions WHERE sheetId = ? AND revision > ? AND revision <= ?
      AND (validDay IS NULL OR validDay <= ?) ORDER BY revision`).pluck();
    // One read transaction: the snapshot, the next one and the exceptions must describe the same state.
    const plan = db.transaction((sheetId: string, asOf: string): Plan => {
      const snap = snapshot.get(sheetId, asOf) as Plan['snap'];
      const from = snap?.revision ?? -1;
      const next = nextSnapshot.get(sheetId, from) as number | null;
      const projectedRevision = (projected.get(sheetId) as number | undefined) ?? -1;
      const listed = next === null ? [] : (exceptions.all(sheetId, next, projectedRevision, asOf) as number[]);
      return { snap, from, next, projected: projectedRevision, exceptions: listed };
    });
    this.st = {
      snapshot, nextSnapshot, projected, exceptions, plan,
      corrections: db.prepare(`SELECT reportId, value, observedOn, observed, qualifier FROM indicator_report_corrections
        WHERE sheetId = ? AND indicatorId = ? AND position <= ? ORDER BY position`),
      reportById: db.prepare(`SELECT reportId, originalValue AS value, originalObservedOn AS observedOn, originalObserved AS observed, originalQualifier AS qualifier, territory, zone, position FROM indicator_reports
        WHERE reportId = ? AND sheetId = ? AND indicatorId = ? AND position <= ? AND (territory IS NULL OR territory = '24')`),
      topReports: db.prepare(`SELECT reportId, originalValue AS value, originalObservedOn AS observedOn, originalObserved AS observed, originalQualifier AS qualifier, territory, zone, position FROM indicator_reports
        WHERE sheetId = ? AND indicatorId = ? AND position <= ? AND (territory IS NULL OR territory = '24')
        ORDER BY originalObservedOn DESC, position DESC LIMIT ?`),
    };
    return this.st;
  }

  /** Folds the (filtered) stream: from the snapshots for asOf alone, from the start otherwise. */
  async at(sheetId: string, tt: TimeTravel): Promise<SheetView | null> {
    if (tt.asOf && !tt.knownAt) return this.asOf(sheetId, tt.asOf);
    let doc: SheetView | null = null;
    const reports = new Map<string, Map<string, LatestValue>>();
    for await (const e of filteredSheetEvents(this.store, sheetId, tt)) doc = applySheetEvent(doc, e, reports);
    return doc;
  }

  /**
   * The same fold as `at`, started from the snapshots: the last snapshot whose events all have a valid
   * day on or before asOf is exactly the filtered fold up to its revision. After it come the events
   * up to the next snapshot (read and filtered), then only the exceptions the projection listed
   * (events that did not move valid time forward), then whatever the projection has not seen yet. A
   * correction in that tail needs the regional reports already folded into the snapshot: they are
   * read from the reports table as they stood at its position.
   */
  async asOf(sheetId: string, asOf: string): Promise<SheetView | null> {
    const stream = sheetStream(sheetId);
    const plan = this.statements().plan(sheetId, asOf);
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
    const st = this.statements();
    const corrections = st.corrections.all(sheetId, indicatorId, position) as Array<{ reportId: string; value: number; observedOn: string; observed: string; qualifier: LatestValue['qualifier'] | null }>;
    const corrected = new Set([...corrections.map((c) => c.reportId), ...tailCorrected]);
    const rows = new Map<string, ReportRow>();
    for (const id of corrected) {
      const row = st.reportById.get(id, sheetId, indicatorId, position) as ReportRow | undefined;
      if (row) rows.set(id, row);
    }
    const top = st.topReports.all(sheetId, indicatorId, position, corrected.size + tailCorrected.size + 1) as ReportRow[];
    let kept = 0;
    for (const row of top) {
      if (kept > tailCorrected.size) break;
      if (corrected.has(row.reportId)) continue;
      rows.set(row.reportId, row);
      kept++;
    }
    for (const c of corrections) {
      const r = rows.get(c.reportId);
      if (r) { r.value = c.value; r.observedOn = c.observedOn; r.observed = c.observed; if (c.qualifier) r.qualifier = c.qualifier; }
    }
    const out = new Map<string, LatestValue>([...rows.values()].sort((a, b) => a.position - b.position)
      .map((r) => [r.reportId, { reportId: r.reportId, value: r.value, qualifier: r.qualifier, observed: r.observed, observedOn: r.observedOn, territory: r.territory, zone: r.zone }]));
    for (const [id, v] of after ?? []) out.set(id, v);
    return out;
  }
}
