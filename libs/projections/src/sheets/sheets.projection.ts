import type { Database, Statement } from 'better-sqlite3';
import type { DomainEvent, SheetEvent } from '#domain';
import { outcomesSetBy, sheetIdOf, type VersionOutcome } from '#domain';
import type { FoldedLogEvent } from '#event-store';
import { ENJEU_ROLLUP_VIEW_SQL, sheetCounters } from '../enjeu-rollup/enjeu-rollup.js';
import type { Projection } from '../projection.js';
import { SERIES_DDL, SERIES_INDEXES, SERIES_TABLES, SeriesWriter } from './indicator-series.tables.js';
import { applySheetEvent, validDayOf, type LatestValue, type SheetView } from './sheet-view.js';

/**
 * A time-travel snapshot of each sheet's document is kept every this many events of its stream. A
 * query reads and parses, on average, half this many events after its snapshot (about 2 KB of garbage
 * each); 50 instead of 100 costs one more snapshot row per 50 events (the read-model file +7 % on the
 * bench's data). Not a rule of the read model: a file written with another spacing answers the same.
 */
export const SHEET_SNAPSHOT_EVERY = 50;


/** Secondary indexes of the documents' tables: created with the tables, or after the replay in a bulk rebuild. */
const DOCUMENT_INDEXES = `
  CREATE INDEX IF NOT EXISTS sheet_versions_by_version ON sheet_versions (roadmapId, version, enjeu);
  CREATE INDEX IF NOT EXISTS sheet_snapshots_by_valid_day ON sheet_snapshots (sheetId, maxValidDay, revision);
  CREATE INDEX IF NOT EXISTS sheet_snapshots_by_recorded_at ON sheet_snapshots (sheetId, maxRecordedAt, revision);
`;

/**
 * Which tables a SheetsProjection writes. `all`: every table, the projection as it runs live. A
 * rebuild may split it over two threads, each writing a file of its own: `documents` writes all but
 * the series (whose tables it creates and leaves empty: the series come from the other file), `series`
 * only the series, in a bulk replay from the start of the log.
 */
export type SheetsPart = 'all' | 'documents' | 'series';

/**
 * A sheet's membership of a version as a snapshot keeps it: the outcome there (and its reason), the
 * enjeu it had there, and for a version it left, its document there (JSON text).
 */
export interface SnapshotMembership { version: string; enjeu: string | null; outcome: string; reason?: string | null; doc?: string | null }

/** Per sheet: the latest valid day and record time folded so far, and the revision of the last snapshot. */
interface Timeline { maxValidDay: string; maxRecordedAt: string; snapshotRevision: number }

/** What a bulk replay keeps in memory instead of asking indexes that do not exist yet. */
interface BulkState {
  /** Regional reports per sheet and indicator, so that a correction recomputes the latest value exactly. */
  regional: Map<string, Map<string, Map<string, LatestValue>>>;
  /**
   * Every sheet's document, kept from batch to batch and written once at the end: parsing and writing
   * each document at every batch cost more than the documents themselves (a log has tens to hundreds
   * of sheets). Nothing in the replay reads a current document back from its tables.
   */
  docs: Map<string, SheetView>;
}

/**
 * Sheets read models: the summary document per sheet (with the counters the roll-up adds up), its
 * membership of each version (with how it ended there), every indicator report with its corrections
 * (the series), and the roll-up per enjeu (a view over the first two). One projection because they
 * change together; each table answers one kind of query.
 */
export class SheetsProjection implements Projection<FoldedLogEvent> {
  readonly name = 'sheets';
  // 5: a sheet is on target against its final target (latest day), not the last one listed.
  // 6: the document says how the sheet closed as `outcome` (the domain's VersionOutcome), no longer `closure`.
  // 7: snapshots carry the latest record time too, and events recorded out of order are listed (knownAt);
  //    and the sheet's version memberships (the roll-up in time).
  // 8: reports keep their date as printed (observed, its first and last day) and their qualifier;
  // targets their scope, due date and qualifier; a value is on target against its own scope's.
  // 9: sheet_versions keeps the sheet's document and counters as they stood in each version (snapshots keep
  //    the documents of the versions left, and each membership's reason); numbers may be unknown;
  //    each report says the version it was recorded in.
  // 10: a milestone's document prints its due date (`dueFr`: uncertain, open-ended, relative horizons);
  //     a version's record may be corrected (SheetVersionRecordCorrected: its number there unknown).
  // 11: report and correction rows without the columns no query read (the event's id and actor);
  //     corrections are keyed by log position.
  // 12: sheet_versions keeps a document only for the versions a sheet left (frozen at the carry-over);
  //     the current version's is the summary's (readers take COALESCE(v.doc, s.doc)), so that a report
  //     rewrites one copy of its sheet's document, not two. Its counters stay current there.
  // 13: each indicator's document carries its reporting frequency (IndicatorFrequencySet), which the
  //     reporting reads (templates, what is due, the lag, the import) read there instead of loading the
  //     write side's state of every sheet.
  readonly version = 13;
  // enjeu_rollup is a view (see ENJEU_ROLLUP_VIEW_SQL), created and dropped by setup.
  readonly tables: readonly string[];

  private stmts: Record<string, Statement> | null = null;
  private series: SeriesWriter | null = null;
  private bulk: BulkState | null = null;
  /** The series part: the version each sheet is in, from its creation and carry-overs (it folds no document). */
  private readonly versions = new Map<string, string>();
  /**
   * Live: the documents of the sheets written last, parsed, as their rows now hold them (the least
   * recently written first), at most `documentsKept`; forgotten when a batch's transaction rolls back.
   */
  private readonly kept = new Map<string, SheetView>();
  private readonly documentsKept: number;

  constructor(readonly part: SheetsPart = 'all', options: { documentsKept?: number } = {}) {
    this.documentsKept = options.documentsKept ?? 0;
    this.tables = part === 'series' ? SERIES_TABLES : [
      'sheet_summary', 'sheet_versions', ...SERIES_TABLES,
      'sheet_snapshots', 'sheet_timeline', 'sheet_timeline_exceptions', 'sheet_record_exceptions',
    ];
  }

  /** What was kept from the batch that rolled back is ahead of the tables. */
  rolledBack(): void {
    this.kept.clear();
  }

  setup(db: Database, options: { bulk?: boolean } = {}): void {
    this.kept.clear();
    this.stmts = null;
    this.series = null;
    if (this.part === 'series') {
      // It folds no document, so it can only start from the beginning of the log, into a fresh file.
      if (!options.bulk) throw new Error('the series part of the sheets projection runs only in a bulk replay');
      db.exec(SERIES_DDL);
      this.versions.clear();
      return;
    }
    // Up to version 3 the roll-up was a table, maintained on every batch.
    const rollupKind = db.prepare("SELECT type FROM sqlite_master WHERE name = 'enjeu_rollup'").pluck().get() as string | undefined;
    if (rollupKind === 'table') db.exec('DROP TABLE enjeu_rollup');
    if (rollupKind === 'view') db.exec('DROP VIEW enjeu_rollup');
    db.exec(`
      CREATE TABLE IF NOT EXISTS sheet_summary (
        sheetId TEXT PRIMARY KEY, roadmapId TEXT NOT NULL, version TEXT NOT NULL, number TEXT, kind TEXT,
        enjeu TEXT, title TEXT NOT NULL, status TEXT NOT NULL, pilots TEXT NOT NULL, revision INTEGER NOT NULL,
        position INTEGER NOT NULL, doc TEXT NOT NULL,
        milestonesPlanned INTEGER NOT NULL DEFAULT 0, milestonesReached INTEGER NOT NULL DEFAULT 0, indicators INTEGER NOT NULL DEFAULT 0,
        indicatorsReported INTEGER NOT NULL DEFAULT 0, indicatorsOnTarget INTEGER NOT NULL DEFAULT 0
      );
      -- One row per version the sheet belonged to: how it ended there, and its document (doc) and
      -- counters as they stood there: frozen at the carry-over for the versions it left; for the
      -- version it is in, the counters kept current and no document (it is sheet_summary's).
      CREATE TABLE IF NOT EXISTS sheet_versions (
        sheetId TEXT NOT NULL, roadmapId TEXT NOT NULL, version TEXT NOT NULL, number TEXT, enjeu TEXT,
        kind TEXT, title TEXT NOT NULL,
        outcome TEXT NOT NULL, outcomeReason TEXT, outcomeExplanation TEXT, outcomeOn TEXT, nextVersion TEXT, mergedInto TEXT,
        doc TEXT, milestonesPlanned INTEGER NOT NULL DEFAULT 0, milestonesReached INTEGER NOT NULL DEFAULT 0, indicators INTEGER NOT NULL DEFAULT 0,
        indicatorsReported INTEGER NOT NULL DEFAULT 0, indicatorsOnTarget INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (sheetId, version)
      );
      ${SERIES_DDL}
      -- Time travel (see SheetTimeTravel.asOf): the document every SHEET_SNAPSHOT_EVERY events, with the
      -- latest valid day of the events folded into it; an asOf query starts from the last snapshot whose
      -- events all fall on or before asOf. Events that do not move a stream's valid time forward (no
      -- valid day, or an earlier one) are listed as exceptions: after the next snapshot, only they can
      -- still be on or before asOf. The record-time axis (knownAt) works the same way: the latest
      -- recordedAt folded into each snapshot, and the events recorded earlier than one before them.
      CREATE TABLE IF NOT EXISTS sheet_snapshots (
        sheetId TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL, maxValidDay TEXT NOT NULL,
        maxRecordedAt TEXT NOT NULL, doc TEXT NOT NULL, memberships TEXT NOT NULL,
        PRIMARY KEY (sheetId, revision)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sheet_timeline (
        sheetId TEXT PRIMARY KEY, maxValidDay TEXT NOT NULL, maxRecordedAt TEXT NOT NULL, snapshotRevision INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sheet_timeline_exceptions (
        sheetId TEXT NOT NULL, revision INTEGER NOT NULL, validDay TEXT, PRIMARY KEY (sheetId, revision)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sheet_record_exceptions (
        sheetId TEXT NOT NULL, revision INTEGER NOT NULL, recordedAt TEXT NOT NULL, PRIMARY KEY (sheetId, revision)
      ) WITHOUT ROWID;
    `);
    db.exec(ENJEU_ROLLUP_VIEW_SQL);
    if (options.bulk) this.bulk = { regional: new Map(), docs: new Map() };
    else db.exec(DOCUMENT_INDEXES + SERIES_INDEXES);
  }

  endBulk(db: Database): void {
    if (this.part === 'series') {
      db.exec(SERIES_INDEXES);
      this.series?.applyDeferred();
      return;
    }
    if (!this.bulk) return;
    this.putDocs(this.statements(db), this.bulk.docs.values());
    // The series' indexes too: the `all` part wrote their rows (the `documents` part's are empty, and cost nothing).
    db.exec(DOCUMENT_INDEXES + SERIES_INDEXES);
    this.series?.applyDeferred();
    this.bulk = null;
  }

  private seriesWriter(db: Database): SeriesWriter {
    this.series ??= new SeriesWriter(db, { bulk: this.part === 'series' || this.bulk !== null });
    return this.series;
  }

  /** The series part: report and correction rows only, each under the version its sheet is in. */
  private applySeries(db: Database, events: readonly FoldedLogEvent[]): void {
    const series = this.seriesWriter(db);
    for (const stored of events) {
      if (sheetIdOf(stored.stream) === null) continue;
      const event = { type: stored.type, data: stored.data } as DomainEvent as SheetEvent;
      if (event.type === 'SheetCreated') {
        this.versions.set(event.data.sheetId, event.data.version);
        continue;
      }
      // Like the documents: nothing happens to a sheet before it is created.
      const version = this.versions.get(event.data.sheetId);
      if (version === undefined) continue;
      if (event.type === 'SheetCarriedOver') this.versions.set(event.data.sheetId, event.data.toVersion);
      else if (event.type === 'IndicatorReported') series.reported(stored, event.data, version);
      else if (event.type === 'IndicatorReportCorrected') series.corrected(stored, event.data);
    }
  }

  private statements(db: Database): Record<string, Statement> {
    if (this.stmts) return this.stmts;
    // Positional parameters: binding by name costs about twice as much per row.
    this.stmts = {
      getDoc: db.prepare('SELECT doc FROM sheet_summary WHERE sheetId = ?'),
      putDoc: db.prepare(`INSERT INTO sheet_summary (sheetId, roadmapId, version, number, kind, enjeu, title, status, pilots, revision, position, doc,
          milestonesPlanned, milestonesReached, indicators, indicatorsReported, indicatorsOnTarget)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(sheetId) DO UPDATE SET roadmapId=excluded.roadmapId, version=excluded.version, number=excluded.number, kind=excluded.kind,
        enjeu=excluded.enjeu, title=excluded.title, status=excluded.status, pilots=excluded.pilots, revision=excluded.revision,
        position=excluded.position, doc=excluded.doc, milestonesPlanned=excluded.milestonesPlanned, milestonesReached=excluded.milestonesReached,
        indicators=excluded.indicators, indicatorsReported=excluded.indicatorsReported, indicatorsOnTarget=excluded.indicatorsOnTarget`),
      putVersion: db.prepare(`INSERT INTO sheet_versions (sheetId, roadmapId, version, number, enjeu, kind, title, outcome, outcomeReason, outcomeExplanation, outcomeOn, nextVersion, mergedInto)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(sheetId, version) DO UPDATE SET number=excluded.number, enjeu=excluded.enjeu, kind=excluded.kind, title=excluded.title,
        outcome=excluded.outcome, outcomeReason=excluded.outcomeReason, outcomeExplanation=excluded.outcomeExplanation, outcomeOn=excluded.outcomeOn,
        nextVersion=excluded.nextVersion, mergedInto=excluded.mergedInto`),
      // The event only ever makes the number unknown (null).
      correctVersionNumber: db.prepare(`UPDATE sheet_versions SET number = NULL, doc = CASE WHEN doc IS NULL THEN NULL ELSE json_set(doc, '$.number', json('null')) END
        WHERE sheetId = ? AND version = ?`),
      putVersionDoc: db.prepare(`UPDATE sheet_versions SET doc = ?, milestonesPlanned = ?, milestonesReached = ?, indicators = ?, indicatorsReported = ?, indicatorsOnTarget = ?
        WHERE sheetId = ? AND version = ?`),
      putVersionCounters: db.prepare(`UPDATE sheet_versions SET milestonesPlanned = ?, milestonesReached = ?, indicators = ?, indicatorsReported = ?, indicatorsOnTarget = ?
        WHERE sheetId = ? AND version = ?`),
      latestRegional: db.prepare(`SELECT reportId, value, qualifier, observed, observedOn, territory, zone FROM indicator_reports
        WHERE sheetId = ? AND indicatorId = ? AND (territory IS NULL OR territory = '24') ORDER BY observedOn DESC, position DESC LIMIT 1`),
      getTimeline: db.prepare('SELECT maxValidDay, maxRecordedAt, snapshotRevision FROM sheet_timeline WHERE sheetId = ?'),
      putTimeline: db.prepare('INSERT OR REPLACE INTO sheet_timeline (sheetId, maxValidDay, maxRecordedAt, snapshotRevision) VALUES (?, ?, ?, ?)'),
      putSnapshot: db.prepare('INSERT OR REPLACE INTO sheet_snapshots (sheetId, revision, position, maxValidDay, maxRecordedAt, doc, memberships) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      memberships: db.prepare(`SELECT version, enjeu, outcome, outcomeReason AS reason, CASE WHEN outcome = 'carried_over' THEN doc END AS doc
        FROM sheet_versions WHERE sheetId = ? ORDER BY version`),
      putException: db.prepare('INSERT OR REPLACE INTO sheet_timeline_exceptions (sheetId, revision, validDay) VALUES (?, ?, ?)'),
      putRecordException: db.prepare('INSERT OR REPLACE INTO sheet_record_exceptions (sheetId, revision, recordedAt) VALUES (?, ?, ?)'),
    };
    return this.stmts;
  }

  apply(db: Database, events: readonly FoldedLogEvent[]): void {
    if (this.part === 'series') return this.applySeries(db, events);
    const st = this.statements(db);
    const series = this.part === 'all' ? this.seriesWriter(db) : null;
    const bulk = this.bulk;
    // Batch cache: a document is parsed once and written once per batch, however many events touch it.
    const docs = bulk?.docs ?? new Map<string, SheetView>();
    const dirtyLatest = new Set<string>();
    const timelines = new Map<string, Timeline>();
    const timeline = (sheetId: string) => {
      let t = timelines.get(sheetId);
      if (!t) {
        t = (st.getTimeline.get(sheetId) as Timeline | undefined) ?? { maxValidDay: '', maxRecordedAt: '', snapshotRevision: -1 };
        timelines.set(sheetId, t);
      }
      return t;
    };
    const recomputeLatest = (key: string) => {
      const [sheetId, indicatorId] = key.split('|') as [string, string];
      const doc = load(sheetId);
      const ind = doc?.indicators.find((i) => i.indicatorId === indicatorId);
      if (ind) ind.latest = (st.latestRegional.get(sheetId, indicatorId) as LatestValue | undefined) ?? null;
    };
    // A bulk replay keeps every document itself, for the whole replay (BulkState.docs).
    const keep = bulk === null && this.documentsKept > 0;
    const load = (sheetId: string): SheetView | null => {
      const cached = docs.get(sheetId) ?? (keep ? this.kept.get(sheetId) : undefined);
      if (cached) {
        docs.set(sheetId, cached);
        return cached;
      }
      const row = st.getDoc.get(sheetId) as { doc: string } | undefined;
      if (!row) return null;
      const doc = JSON.parse(row.doc) as SheetView;
      docs.set(sheetId, doc);
      return doc;
    };
    const regionalOf = (sheetId: string) => {
      let r = bulk!.regional.get(sheetId);
      if (!r) bulk!.regional.set(sheetId, (r = new Map()));
      return r;
    };

    for (const stored of events) {
      if (sheetIdOf(stored.stream) === null) continue;
      const event = { type: stored.type, data: stored.data } as DomainEvent as SheetEvent;
      const before = event.type === 'SheetCreated' ? null : load(event.data.sheetId);
      if (!before && event.type !== 'SheetCreated') continue;
      const previous = before ? { version: before.version, number: before.number, enjeu: before.enjeu, kind: before.kind, title: before.title } : null;
      const outcomes = outcomesSetBy(before ?? { version: '', status: 'none' }, event);
      // The version the sheet leaves keeps its document as it stood at the carry-over.
      // Latest values a correction made stale are recomputed first, so that the frozen document is exact.
      if (event.type === 'SheetCarriedOver' && before) {
        for (const key of dirtyLatest) if (key.startsWith(`${before.sheetId}|`)) recomputeLatest(key);
      }
      const leaving = event.type === 'SheetCarriedOver' && before ? structuredClone(before) : null;
      // In a bulk replay the fold tracks regional reports itself (no index to ask yet); live, a
      // correction marks the latest value for a recomputation from the reports table.
      const doc = applySheetEvent(before, stored, bulk ? regionalOf(event.data.sheetId) : undefined)!;
      docs.set(doc.sheetId, doc);
      // Side tables: version membership and outcomes, the series, the corrections.
      for (const o of outcomes) this.putVersionRow(st, o.outcome === 'carried_over' ? { ...doc, ...previous! } : doc, o);
      if (leaving) this.putVersionDoc(st, leaving);
      switch (event.type) {
        case 'IndicatorReported':
          series?.reported(stored, event.data, doc.version);
          break;
        case 'IndicatorReportCorrected': {
          const d = event.data;
          series?.corrected(stored, d);
          // A corrected date can change which report is the latest: recompute from the table.
          if (!bulk) dirtyLatest.add(`${d.sheetId}|${d.indicatorId}`);
          break;
        }
        case 'SheetVersionRecordCorrected': {
          // The row of that version, and the document it keeps when the sheet has left it since.
          st.correctVersionNumber!.run(event.data.sheetId, event.data.version);
          break;
        }
        default:
          break;
      }
      const t = timeline(doc.sheetId);
      const day = validDayOf(stored);
      if (day === null || day < t.maxValidDay) st.putException.run(doc.sheetId, stored.revision, day);
      else t.maxValidDay = day;
      const recordedAt = stored.metadata.recordedAt;
      if (recordedAt < t.maxRecordedAt) st.putRecordException.run(doc.sheetId, stored.revision, recordedAt);
      else t.maxRecordedAt = recordedAt;
      if (stored.revision - t.snapshotRevision >= SHEET_SNAPSHOT_EVERY) {
        // The document must be exact at this revision: latest values a correction made stale are recomputed now.
        for (const key of dirtyLatest) if (key.startsWith(`${doc.sheetId}|`)) recomputeLatest(key);
        // sheet_versions holds, for this sheet, what the outcomes up to this event set (written above, in order).
        const memberships = st.memberships.all(doc.sheetId) as SnapshotMembership[];
        st.putSnapshot.run(doc.sheetId, stored.revision, stored.position, t.maxValidDay, t.maxRecordedAt, JSON.stringify(doc), JSON.stringify(memberships));
        t.snapshotRevision = stored.revision;
      }
    }
    for (const [sheetId, t] of timelines) st.putTimeline.run(sheetId, t.maxValidDay, t.maxRecordedAt, t.snapshotRevision);

    for (const key of dirtyLatest) recomputeLatest(key);
    // A bulk replay writes its documents once, at its end.
    if (bulk) return;
    this.putDocs(st, docs.values());
    if (keep) {
      for (const doc of docs.values()) {
        this.kept.delete(doc.sheetId);
        this.kept.set(doc.sheetId, doc);
      }
    }
    while (this.kept.size > this.documentsKept) this.kept.delete(this.kept.keys().next().value!);
  }

  /** Each document into its summary row, and its counters into the row of the version it is in. */
  private putDocs(st: Record<string, Statement>, docs: Iterable<SheetView>): void {
    for (const doc of docs) {
      const c = sheetCounters(doc);
      st.putDoc.run(
        doc.sheetId, doc.roadmapId, doc.version, doc.number, doc.kind, doc.enjeu, doc.title, doc.status, JSON.stringify(doc.pilots), doc.revision,
        doc.position, JSON.stringify(doc), c.milestonesPlanned, c.milestonesReached, c.indicators, c.indicatorsReported, c.indicatorsOnTarget,
      );
      st.putVersionCounters!.run(c.milestonesPlanned, c.milestonesReached, c.indicators, c.indicatorsReported, c.indicatorsOnTarget, doc.sheetId, doc.version);
    }
  }

  /** The document a sheet leaves in a version (at its carry-over), with its counters, into that version's row. */
  private putVersionDoc(st: Record<string, Statement>, doc: SheetView): void {
    const c = sheetCounters(doc);
    st.putVersionDoc!.run(JSON.stringify(doc), c.milestonesPlanned, c.milestonesReached, c.indicators, c.indicatorsReported, c.indicatorsOnTarget, doc.sheetId, doc.version);
  }

  private putVersionRow(
    st: Record<string, Statement>,
    doc: Pick<SheetView, 'sheetId' | 'roadmapId' | 'number' | 'enjeu' | 'kind' | 'title'>,
    o: VersionOutcome,
  ): void {
    st.putVersion.run(
      doc.sheetId, doc.roadmapId, o.version, doc.number, doc.enjeu, doc.kind, doc.title,
      o.outcome, o.reason, o.explanation, o.on, o.nextVersion, o.mergedInto,
    );
  }
}
