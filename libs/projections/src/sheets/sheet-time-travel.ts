import type { Database, Statement, Transaction } from 'better-sqlite3';
import { sheetStream } from '#domain';
import { normalizeInstant, type EventStore, type FoldedEvent, type ReadStreamOptions, type StoredEvent } from '#event-store';
import { applySheetEvent, validDayOf, type LatestValue, type SheetView } from './sheet-view.js';
import type { SnapshotMembership } from './sheets.projection.js';

/** Both time axes of a query (see ARCHITECTURE.md, "Time has two axes"). */
export interface TimeTravel {
  /** Valid time: facts true on or before this day. */
  asOf?: string;
  /** Record time: what the tracker knew at this instant. */
  knownAt?: string;
}

/** What time travel reads from the log: a sheet's stream, by revision range. */
export type SheetStreamReader = Pick<EventStore, 'readStream' | 'streamRevision' | 'readStreamFolded'>;

/**
 * Events read at a time between two snapshots, until one falls after the query's day: what is read
 * past that event is parsed for nothing (half a run on average), while each run is one more statement.
 */
const WINDOW_RUN = 10;

/** Sorted revisions as runs of consecutive ones, [first, last] each. */
function contiguous(revisions: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const r of revisions) {
    const last = runs[runs.length - 1];
    if (last && r === last[1] + 1) last[1] = r;
    else runs.push([r, r]);
  }
  return runs;
}

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
  snap: { revision: number; position: number; doc: string; memberships: string } | undefined;
  from: number;
  next: number | null;
  projected: number;
  exceptions: number[];
}

type ReportRow = LatestValue & { position: number };

/** A query's two bounds, normalised as stored: asOf a day, knownAt an ISO instant (the store's recorded_at). */
interface Bounds { asOf: string | null; knownAt: string | null }

/** What a fold beside the document is told (see SheetTimeTravel.foldWith). */
interface FoldHooks {
  seed(memberships: SnapshotMembership[] | null): void;
  step(before: SheetHead | null, e: StoredEvent, after: SheetView | null): void;
}

/** What a step is told of the document before its event; before a carry-over, the whole document of the version it leaves. */
export type SheetHead = Pick<SheetView, 'version' | 'status' | 'enjeu'> & { left?: SheetView };

function bounds(tt: TimeTravel): Bounds {
  return { asOf: tt.asOf ?? null, knownAt: tt.knownAt ? normalizeInstant(tt.knownAt, 'knownAt') : null };
}

/** Whether an event is part of the sheet as it stood on asOf, as known at knownAt. */
function within(e: FoldedEvent, b: Bounds): boolean {
  if (b.knownAt !== null && e.metadata.recordedAt > b.knownAt) return false;
  if (b.asOf === null) return true;
  const day = validDayOf(e);
  return day === null || day <= b.asOf;
}

/**
 * The sheet as it stood (asOf) or as it was known (knownAt), from the time-travel snapshots that
 * SheetsProjection keeps every SHEET_SNAPSHOT_EVERY events, each with the latest valid day and the
 * latest record time folded into it, and with the events that moved neither forward listed as
 * exceptions of their axis: these rules and the queries that rely on them live together here.
 */
export class SheetTimeTravel {
  private st: {
    corrections: Statement; reportById: Statement; topReports: Statement; validExceptions: Statement; plan: Transaction<(sheetId: string, b: Bounds) => Plan>;
  } | null = null;

  constructor(private readonly db: Database, private readonly store: SheetStreamReader) {}

  private statements() {
    if (this.st) return this.st;
    const db = this.db;
    // Both maxima only grow with the revision, so the snapshots that satisfy a bound are a prefix of the
    // stream's: the last one of each axis is found on its index, and the earlier of the two satisfies both.
    const byValidDay = db.prepare(`SELECT revision FROM sheet_snapshots WHERE sheetId = ? AND maxValidDay <= ?
      ORDER BY maxValidDay DESC, revision DESC LIMIT 1`).pluck();
    const byRecordedAt = db.prepare(`SELECT revision FROM sheet_snapshots WHERE sheetId = ? AND maxRecordedAt <= ?
      ORDER BY maxRecordedAt DESC, revision DESC LIMIT 1`).pluck();
    const snapshot = db.prepare('SELECT revision, position, doc, memberships FROM sheet_snapshots WHERE sheetId = ? AND revision = ?');
    const lastSnapshot = db.prepare('SELECT MAX(revision) FROM sheet_snapshots WHERE sheetId = ?').pluck();
    const nextSnapshot = db.prepare(`SELECT revision, maxValidDay, maxRecordedAt FROM sheet_snapshots WHERE sheetId = ? AND revision > ?
      ORDER BY revision LIMIT 1`);
    const projected = db.prepare('SELECT revision FROM sheet_summary WHERE sheetId = ?').pluck();
    const validExceptions = db.prepare(`SELECT revision FROM sheet_timeline_exceptions WHERE sheetId = ? AND revision > ? AND revision <= ?
      AND (validDay IS NULL OR validDay <= ?) ORDER BY revision`).pluck();
    const recordExceptions = db.prepare(`SELECT revision FROM sheet_record_exceptions WHERE sheetId = ? AND revision > ? AND revision <= ?
      AND recordedAt <= ? ORDER BY revision`).pluck();
    // One read transaction: the snapshot, the next one and the exceptions must describe the same state.
    const plan = db.transaction((sheetId: string, b: Bounds): Plan => {
      const revisions = [
        b.asOf === null ? Number.MAX_SAFE_INTEGER : ((byValidDay.get(sheetId, b.asOf) as number | undefined) ?? -1),
        b.knownAt === null ? Number.MAX_SAFE_INTEGER : ((byRecordedAt.get(sheetId, b.knownAt) as number | undefined) ?? -1),
      ];
      const lowest = Math.min(...revisions);
      const chosen = lowest === Number.MAX_SAFE_INTEGER ? ((lastSnapshot.get(sheetId) as number | null) ?? -1) : lowest;
      const snap = chosen >= 0 ? (snapshot.get(sheetId, chosen) as Plan['snap']) : undefined;
      const from = snap?.revision ?? -1;
      const next = nextSnapshot.get(sheetId, from) as { revision: number; maxValidDay: string; maxRecordedAt: string } | undefined;
      const projectedRevision = (projected.get(sheetId) as number | undefined) ?? -1;
      let listed: number[] = [];
      // Past the next snapshot, an event that moved the failing axis forward is beyond its bound: only
      // that axis's exceptions can still be within (the record axis first: it rarely has any).
      if (next && b.knownAt !== null && next.maxRecordedAt > b.knownAt) listed = recordExceptions.all(sheetId, next.revision, projectedRevision, b.knownAt) as number[];
      else if (next) listed = validExceptions.all(sheetId, next.revision, projectedRevision, b.asOf) as number[];
      return { snap, from, next: next?.revision ?? null, projected: projectedRevision, exceptions: listed };
    });
    this.st = {
      plan,
      validExceptions,
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

  /** The sheet filtered on both axes; without either bound, the full fold of the stream. */
  async at(sheetId: string, tt: TimeTravel): Promise<SheetView | null> {
    return (await this.fromSnapshots(sheetId, bounds(tt))).doc;
  }

  /** The sheet as it stood on `asOf` (valid time), as the tracker knows it now. */
  async asOf(sheetId: string, asOf: string): Promise<SheetView | null> {
    return (await this.fromSnapshots(sheetId, { asOf, knownAt: null })).doc;
  }

  /**
   * The same fold with a second state beside the document (the roll-up's version memberships):
   * `seed` gives it as the snapshot the fold starts from kept it (null: from the first event), and
   * `step` advances it with each event kept, given the document before and after that event.
   */
  async foldWith<S>(
    sheetId: string,
    tt: TimeTravel,
    seed: (memberships: SnapshotMembership[] | null) => S,
    step: (state: S, before: SheetHead | null, e: StoredEvent, after: SheetView | null) => void,
  ): Promise<{ doc: SheetView | null; state: S }> {
    let state: S | undefined;
    const { doc } = await this.fromSnapshots(sheetId, bounds(tt), {
      seed: (m) => { state = seed(m); },
      step: (before, e, after) => step(state!, before, e, after),
    });
    return { doc, state: state! };
  }

  /**
   * The filtered fold of the stream, started from the snapshots: the last snapshot whose events all
   * fall within both bounds is exactly the filtered fold up to its revision. After it come the events
   * up to the next snapshot (read and filtered), then only the exceptions the projection listed on an
   * axis the next snapshot is beyond, then whatever the projection has not seen yet. A correction in
   * that tail needs the regional reports already folded into the snapshot: they are read from the
   * reports table as they stood at its position.
   */
  private async fromSnapshots(sheetId: string, bounds: Bounds, hooks?: FoldHooks): Promise<{ doc: SheetView | null }> {
    const stream = sheetStream(sheetId);
    const plan = this.statements().plan(sheetId, bounds);
    hooks?.seed(plan.snap ? (JSON.parse(plan.snap.memberships) as SnapshotMembership[]) : null);
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
    // A step is given whole events; the document alone needs only what a fold reads of each.
    const read: (stream: string, options: ReadStreamOptions) => Promise<FoldedEvent[]> = !hooks && this.store.readStreamFolded
      ? (s, o) => this.store.readStreamFolded!(s, o)
      : (s, o) => this.store.readStream(s, o);
    const tail: FoldedEvent[] = [];
    // The record-time bound is a column of the log: events recorded later are not even parsed.
    const recorded = bounds.knownAt === null ? {} : { recordedUntil: bounds.knownAt };
    const [window, ...rest] = ranges as [[number, number], ...Array<[number, number]>];
    if (plan.next !== null && bounds.asOf !== null) {
      for (const e of await this.windowUpToAsOf(read, sheetId, stream, window, bounds.asOf, recorded)) {
        if (within(e, bounds)) tail.push(e);
      }
    } else rest.unshift(window);
    for (const [fromRevision, toRevision] of rest) {
      for (const e of await read(stream, { fromRevision, toRevision, ...recorded })) if (within(e, bounds)) tail.push(e);
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
    // Without a correction in the tail no latest value is recomputed: the fold tracks no report (one map entry
    // fewer per regional report folded).
    const reports = correctedInTail.size > 0 ? new Map<string, Map<string, LatestValue>>() : undefined;
    const seeded = new Set<string>();
    for (const e of tail) {
      if (reports && plan.snap && e.type === 'IndicatorReportCorrected') {
        const indicatorId = (e.data as { indicatorId: string }).indicatorId;
        if (!seeded.has(indicatorId)) {
          seeded.add(indicatorId);
          reports.set(indicatorId, this.regionalReportsAt(sheetId, indicatorId, plan.snap.position, correctedInTail.get(indicatorId)!, reports.get(indicatorId)));
        }
      }
      if (hooks) {
        // The fold mutates the document: what the step needs of it before the event is copied first.
        const before: SheetHead | null = doc
          ? { version: doc.version, status: doc.status, enjeu: doc.enjeu, ...(e.type === 'SheetCarriedOver' ? { left: structuredClone(doc) } : {}) }
          : null;
        doc = applySheetEvent(doc, e, reports);
        hooks.step(before, e as StoredEvent, doc);
      } else doc = applySheetEvent(doc, e, reports);
    }
    return { doc };
  }

  /**
   * The events between a snapshot and the next one that can fall on or before `asOf`, in revision
   * order. The window is read in short runs until an event falls after `asOf`: from there on the
   * stream's latest valid day is past `asOf`, so every later event that is not listed in
   * sheet_timeline_exceptions (one that moves that day forward, or keeps it) falls after `asOf` too,
   * and only the listed ones are read. On a stream reported day by day that leaves half the window,
   * on average, unread.
   */
  private async windowUpToAsOf(
    read: (stream: string, options: ReadStreamOptions) => Promise<FoldedEvent[]>, sheetId: string, stream: string, [from, to]: [number, number], asOf: string, recorded: { recordedUntil?: string },
  ): Promise<FoldedEvent[]> {
    const out: FoldedEvent[] = [];
    for (let fromRevision = from; fromRevision <= to; fromRevision += WINDOW_RUN) {
      const toRevision = Math.min(to, fromRevision + WINDOW_RUN - 1);
      // Filtered on record time by the store: runs are counted in revisions, not in what they return.
      const run = await read(stream, { fromRevision, toRevision, ...recorded });
      for (const e of run) {
        out.push(e);
        const day = validDayOf(e);
        if (day === null || day <= asOf) continue;
        const listed = this.statements().validExceptions.all(sheetId, e.revision, to, asOf) as number[];
        for (const [first, last] of contiguous(listed)) out.push(...(await read(stream, { fromRevision: first, toRevision: last, ...recorded })));
        return out;
      }
    }
    return out;
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
