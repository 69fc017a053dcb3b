import type { Database, Statement } from 'better-sqlite3';
import type { DomainEvent, SheetEvent } from '../../domain/src/index.js';
import { parsePeriod } from '../../domain/src/index.js';
import type { StoredEvent } from '../../event-store/src/index.js';
import { countIntoRollup, emptyRollup, type RollupRow } from './enjeu-rollup.js';
import type { Projection } from './projection.js';
import { applySheetEvent, validDayOf, type LatestValue, type SheetView } from './sheet-view.js';

/** A time-travel snapshot of each sheet's document is kept every this many events of its stream. */
export const SHEET_SNAPSHOT_EVERY = 500;


/**
 * Sheets read models: the summary document per sheet, its membership of each version (with how it
 * ended there), every indicator report with its corrections (the series), and the roll-up per enjeu.
 * One projection because they change together; each table answers one kind of query.
 */
export class SheetsProjection implements Projection {
  readonly name = 'sheets';
  readonly version = 3;
  readonly tables = [
    'sheet_summary', 'sheet_versions', 'indicator_reports', 'indicator_report_corrections', 'enjeu_rollup',
    'sheet_snapshots', 'sheet_timeline', 'sheet_timeline_exceptions',
  ] as const;

  private stmts: Record<string, Statement> | null = null;

  setup(db: Database): void {
    db.exec(`
      CREATE TABLE IF NOT EXISTS sheet_summary (
        sheetId TEXT PRIMARY KEY, roadmapId TEXT NOT NULL, version TEXT NOT NULL, number TEXT NOT NULL, kind TEXT,
        enjeu TEXT, title TEXT NOT NULL, status TEXT NOT NULL, pilots TEXT NOT NULL, revision INTEGER NOT NULL,
        position INTEGER NOT NULL, doc TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS sheet_versions (
        sheetId TEXT NOT NULL, roadmapId TEXT NOT NULL, version TEXT NOT NULL, number TEXT NOT NULL, enjeu TEXT,
        kind TEXT, title TEXT NOT NULL,
        outcome TEXT NOT NULL, outcomeReason TEXT, outcomeExplanation TEXT, outcomeOn TEXT, nextVersion TEXT, mergedInto TEXT,
        PRIMARY KEY (sheetId, version)
      );
      CREATE INDEX IF NOT EXISTS sheet_versions_by_version ON sheet_versions (roadmapId, version, enjeu);
      CREATE TABLE IF NOT EXISTS indicator_reports (
        reportId TEXT PRIMARY KEY, sheetId TEXT NOT NULL, indicatorId TEXT NOT NULL, observedOn TEXT NOT NULL,
        territory TEXT, zone TEXT, value REAL NOT NULL, originalValue REAL NOT NULL, originalObservedOn TEXT NOT NULL,
        source TEXT, comment TEXT, eventId TEXT NOT NULL, position INTEGER NOT NULL, recordedAt TEXT NOT NULL, actor TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS indicator_reports_series ON indicator_reports (sheetId, indicatorId, observedOn);
      CREATE TABLE IF NOT EXISTS indicator_report_corrections (
        eventId TEXT PRIMARY KEY, reportId TEXT NOT NULL, sheetId TEXT NOT NULL, indicatorId TEXT NOT NULL, value REAL NOT NULL,
        observedOn TEXT NOT NULL, reason TEXT NOT NULL, position INTEGER NOT NULL, recordedAt TEXT NOT NULL, actor TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS indicator_report_corrections_by_report ON indicator_report_corrections (reportId, position);
      CREATE TABLE IF NOT EXISTS enjeu_rollup (
        roadmapId TEXT NOT NULL, version TEXT NOT NULL, enjeu TEXT, sheets INTEGER NOT NULL, active INTEGER NOT NULL,
        completed INTEGER NOT NULL, abandoned INTEGER NOT NULL, retired INTEGER NOT NULL, carriedOver INTEGER NOT NULL,
        milestonesPlanned INTEGER NOT NULL, milestonesReached INTEGER NOT NULL, indicators INTEGER NOT NULL,
        indicatorsReported INTEGER NOT NULL, indicatorsOnTarget INTEGER NOT NULL,
        PRIMARY KEY (roadmapId, version, enjeu)
      );
      -- Time travel (see SheetQueries.sheetAt): the document every SHEET_SNAPSHOT_EVERY events, with the
      -- latest valid day of the events folded into it; an asOf query starts from the last snapshot whose
      -- events all fall on or before asOf. Events that do not move a stream's valid time forward (no
      -- valid day, or an earlier one) are listed as exceptions: after the next snapshot, only they can
      -- still be on or before asOf.
      CREATE TABLE IF NOT EXISTS sheet_snapshots (
        sheetId TEXT NOT NULL, revision INTEGER NOT NULL, position INTEGER NOT NULL, maxValidDay TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (sheetId, revision)
      ) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS sheet_snapshots_by_valid_day ON sheet_snapshots (sheetId, maxValidDay, revision);
      CREATE TABLE IF NOT EXISTS sheet_timeline (
        sheetId TEXT PRIMARY KEY, maxValidDay TEXT NOT NULL, snapshotRevision INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS sheet_timeline_exceptions (
        sheetId TEXT NOT NULL, revision INTEGER NOT NULL, validDay TEXT, PRIMARY KEY (sheetId, revision)
      ) WITHOUT ROWID;
    `);
    this.stmts = null;
  }

  private statements(db: Database): Record<string, Statement> {
    if (this.stmts) return this.stmts;
    this.stmts = {
      getDoc: db.prepare('SELECT doc FROM sheet_summary WHERE sheetId = ?'),
      putDoc: db.prepare(`INSERT INTO sheet_summary (sheetId, roadmapId, version, number, kind, enjeu, title, status, pilots, revision, position, doc)
        VALUES (@sheetId, @roadmapId, @version, @number, @kind, @enjeu, @title, @status, @pilots, @revision, @position, @doc)
        ON CONFLICT(sheetId) DO UPDATE SET roadmapId=excluded.roadmapId, version=excluded.version, number=excluded.number, kind=excluded.kind,
        enjeu=excluded.enjeu, title=excluded.title, status=excluded.status, pilots=excluded.pilots, revision=excluded.revision,
        position=excluded.position, doc=excluded.doc`),
      putVersion: db.prepare(`INSERT INTO sheet_versions (sheetId, roadmapId, version, number, enjeu, kind, title, outcome, outcomeReason, outcomeExplanation, outcomeOn, nextVersion, mergedInto)
        VALUES (@sheetId, @roadmapId, @version, @number, @enjeu, @kind, @title, @outcome, @outcomeReason, @outcomeExplanation, @outcomeOn, @nextVersion, @mergedInto)
        ON CONFLICT(sheetId, version) DO UPDATE SET number=excluded.number, enjeu=excluded.enjeu, kind=excluded.kind, title=excluded.title,
        outcome=excluded.outcome, outcomeReason=excluded.outcomeReason, outcomeExplanation=excluded.outcomeExplanation, outcomeOn=excluded.outcomeOn,
        nextVersion=excluded.nextVersion, mergedInto=excluded.mergedInto`),
      insertReport: db.prepare(`INSERT INTO indicator_reports (reportId, sheetId, indicatorId, observedOn, territory, zone, value, originalValue, originalObservedOn, source, comment, eventId, position, recordedAt, actor)
        VALUES (@reportId, @sheetId, @indicatorId, @observedOn, @territory, @zone, @value, @value, @observedOn, @source, @comment, @eventId, @position, @recordedAt, @actor)`),
      correctReport: db.prepare('UPDATE indicator_reports SET value = ?, observedOn = ? WHERE reportId = ?'),
      insertCorrection: db.prepare(`INSERT INTO indicator_report_corrections (eventId, reportId, sheetId, indicatorId, value, observedOn, reason, position, recordedAt, actor)
        VALUES (@eventId, @reportId, @sheetId, @indicatorId, @value, @observedOn, @reason, @position, @recordedAt, @actor)`),
      latestRegional: db.prepare(`SELECT reportId, value, observedOn, territory FROM indicator_reports
        WHERE sheetId = ? AND indicatorId = ? AND (territory IS NULL OR territory = '24') ORDER BY observedOn DESC, position DESC LIMIT 1`),
      countReports: db.prepare('SELECT COUNT(*) AS n FROM indicator_reports WHERE sheetId = ? AND indicatorId = ?'),
      rollupInputs: db.prepare(`SELECT v.sheetId, v.enjeu, v.outcome, s.doc FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
        WHERE v.roadmapId = ? AND v.version = ? ORDER BY v.sheetId`),
      getTimeline: db.prepare('SELECT maxValidDay, snapshotRevision FROM sheet_timeline WHERE sheetId = ?'),
      putTimeline: db.prepare('INSERT OR REPLACE INTO sheet_timeline (sheetId, maxValidDay, snapshotRevision) VALUES (?, ?, ?)'),
      putSnapshot: db.prepare('INSERT OR REPLACE INTO sheet_snapshots (sheetId, revision, position, maxValidDay, doc) VALUES (?, ?, ?, ?, ?)'),
      putException: db.prepare('INSERT OR REPLACE INTO sheet_timeline_exceptions (sheetId, revision, validDay) VALUES (?, ?, ?)'),
      deleteRollup: db.prepare('DELETE FROM enjeu_rollup WHERE roadmapId = ? AND version = ?'),
      putRollup: db.prepare(`INSERT INTO enjeu_rollup VALUES (@roadmapId, @version, @enjeu, @sheets, @active, @completed, @abandoned, @retired, @carriedOver,
        @milestonesPlanned, @milestonesReached, @indicators, @indicatorsReported, @indicatorsOnTarget)`),
    };
    return this.stmts;
  }

  apply(db: Database, events: readonly StoredEvent[]): void {
    const st = this.statements(db);
    // Batch cache: a document is parsed once and written once per batch, however many events touch it.
    const docs = new Map<string, SheetView>();
    const dirtyLatest = new Set<string>();
    const touchedGroups = new Set<string>();
    const timelines = new Map<string, { maxValidDay: string; snapshotRevision: number }>();
    const timeline = (sheetId: string) => {
      let t = timelines.get(sheetId);
      if (!t) {
        t = (st.getTimeline.get(sheetId) as { maxValidDay: string; snapshotRevision: number } | undefined) ?? { maxValidDay: '', snapshotRevision: -1 };
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
    const load = (sheetId: string): SheetView | null => {
      const cached = docs.get(sheetId);
      if (cached) return cached;
      const row = st.getDoc.get(sheetId) as { doc: string } | undefined;
      if (!row) return null;
      const doc = JSON.parse(row.doc) as SheetView;
      docs.set(sheetId, doc);
      return doc;
    };

    for (const stored of events) {
      if (!stored.stream.startsWith('sheet-')) continue;
      const event = { type: stored.type, data: stored.data } as DomainEvent as SheetEvent;
      const before = event.type === 'SheetCreated' ? null : load(event.data.sheetId);
      if (!before && event.type !== 'SheetCreated') continue;
      const previous = before ? { version: before.version, number: before.number, enjeu: before.enjeu, kind: before.kind, title: before.title } : null;
      const doc = applySheetEvent(before, stored)!;
      docs.set(doc.sheetId, doc);
      // The roll-up of every version the sheet belongs to reads its current document: recompute them
      // all, so that the table does not depend on how the log was cut into batches.
      for (const v of doc.versions) touchedGroups.add(`${doc.roadmapId}|${v.version}`);
      // Side tables: version membership and outcomes, the series, the corrections.
      switch (event.type) {
        case 'SheetCreated':
        case 'SheetRevised':
          this.putVersionRow(st, doc, doc.version, { outcome: doc.status === 'active' ? 'active' : doc.status });
          break;
        case 'IndicatorReported': {
          const d = event.data;
          st.insertReport.run({
            reportId: d.reportId, sheetId: d.sheetId, indicatorId: d.indicatorId, observedOn: d.observedOn, territory: d.territory, zone: d.zone ?? null,
            value: d.value, source: d.source, comment: d.comment, eventId: stored.id, position: stored.position,
            recordedAt: stored.metadata.recordedAt, actor: stored.metadata.actor,
          });
          break;
        }
        case 'IndicatorReportCorrected': {
          const d = event.data;
          st.correctReport.run(d.value, d.observedOn, d.reportId);
          st.insertCorrection.run({
            eventId: stored.id, reportId: d.reportId, sheetId: d.sheetId, indicatorId: d.indicatorId, value: d.value, observedOn: d.observedOn,
            reason: d.reason, position: stored.position, recordedAt: stored.metadata.recordedAt, actor: stored.metadata.actor,
          });
          // A corrected date can change which report is the latest: recompute from the table.
          dirtyLatest.add(`${d.sheetId}|${d.indicatorId}`);
          break;
        }
        case 'ProjectCompleted':
          this.putVersionRow(st, doc, doc.version, { outcome: 'completed', on: event.data.completedOn, explanation: event.data.summary });
          break;
        case 'ProjectAbandoned':
          this.putVersionRow(st, doc, doc.version, { outcome: 'abandoned', reason: event.data.reason, explanation: event.data.explanation, on: event.data.effectiveOn });
          break;
        case 'SheetRetired': {
          const d = event.data;
          const outcome = doc.closure ? doc.closure.kind : 'retired';
          this.putVersionRow(st, doc, d.version, { outcome, reason: d.reason, explanation: d.explanation, on: d.effectiveOn, mergedInto: d.mergedInto });
          break;
        }
        case 'SheetCarriedOver':
          this.putVersionRow(st, { ...doc, ...previous! }, event.data.fromVersion, { outcome: 'carried_over', nextVersion: event.data.toVersion });
          this.putVersionRow(st, doc, event.data.toVersion, { outcome: 'active' });
          break;
        default:
          break;
      }
      const t = timeline(doc.sheetId);
      const day = validDayOf(stored);
      if (day === null || day < t.maxValidDay) st.putException.run(doc.sheetId, stored.revision, day);
      else t.maxValidDay = day;
      if (stored.revision - t.snapshotRevision >= SHEET_SNAPSHOT_EVERY) {
        // The document must be exact at this revision: latest values a correction made stale are recomputed now.
        for (const key of dirtyLatest) if (key.startsWith(`${doc.sheetId}|`)) recomputeLatest(key);
        st.putSnapshot.run(doc.sheetId, stored.revision, stored.position, t.maxValidDay, JSON.stringify(doc));
        t.snapshotRevision = stored.revision;
      }
    }
    for (const [sheetId, t] of timelines) st.putTimeline.run(sheetId, t.maxValidDay, t.snapshotRevision);

    for (const key of dirtyLatest) recomputeLatest(key);
    for (const doc of docs.values()) {
      st.putDoc.run({
        sheetId: doc.sheetId, roadmapId: doc.roadmapId, version: doc.version, number: doc.number, kind: doc.kind, enjeu: doc.enjeu,
        title: doc.title, status: doc.status, pilots: JSON.stringify(doc.pilots), revision: doc.revision, position: doc.position, doc: JSON.stringify(doc),
      });
    }
    for (const group of touchedGroups) {
      const [roadmapId, version] = group.split('|') as [string, string];
      this.rollup(st, roadmapId, version);
    }
  }

  private putVersionRow(
    st: Record<string, Statement>,
    doc: Pick<SheetView, 'sheetId' | 'roadmapId' | 'number' | 'enjeu' | 'kind' | 'title'>,
    version: string,
    o: { outcome: string; reason?: string | null; explanation?: string | null; on?: string | null; nextVersion?: string | null; mergedInto?: string | null },
  ): void {
    st.putVersion.run({
      sheetId: doc.sheetId, roadmapId: doc.roadmapId, version, number: doc.number, enjeu: doc.enjeu, kind: doc.kind, title: doc.title,
      outcome: o.outcome, outcomeReason: o.reason ?? null, outcomeExplanation: o.explanation ?? null, outcomeOn: o.on ?? null,
      nextVersion: o.nextVersion ?? null, mergedInto: o.mergedInto ?? null,
    });
  }

  /** Recomputes the roll-up rows of one version, one row per enjeu. */
  private rollup(st: Record<string, Statement>, roadmapId: string, version: string): void {
    const rows = st.rollupInputs.all(roadmapId, version) as { sheetId: string; enjeu: string | null; outcome: string; doc: string }[];
    const byEnjeu = new Map<string | null, RollupRow>();
    for (const row of rows) {
      let r = byEnjeu.get(row.enjeu);
      if (!r) byEnjeu.set(row.enjeu, (r = emptyRollup(roadmapId, version, row.enjeu)));
      countIntoRollup(r, row.outcome, JSON.parse(row.doc) as SheetView);
    }
    st.deleteRollup.run(roadmapId, version);
    for (const r of byEnjeu.values()) st.putRollup.run(r);
  }
}

/** For milestone views: the period bounds of a due label, or null. */
export function dueBounds(due: string | null): { start: string; end: string } | null {
  if (!due) return null;
  const p = parsePeriod(due);
  return { start: p.start, end: p.end };
}
