import type { Database, Statement } from 'better-sqlite3';
import { parseDated, type IndicatorReportCorrected, type IndicatorReported } from '#domain';
import type { FoldedLogEvent } from '#event-store';

/**
 * The series tables of SheetsProjection: every indicator report and every correction. They are
 * written by the sheets projection (one transaction with the documents), or, in a rebuild split over
 * two threads, by the series part alone into a file of its own (see SheetsPart).
 */
export const SERIES_TABLES = ['indicator_reports', 'indicator_report_corrections'] as const;

export const SERIES_DDL = `
  -- Keyed by the report's log position (one event, one report): appends in key order; reportId is
  -- a unique secondary index. The event's id and its actor are not kept: no query reads them (they
  -- are in the log).
  CREATE TABLE IF NOT EXISTS indicator_reports (
    reportId TEXT NOT NULL, sheetId TEXT NOT NULL, indicatorId TEXT NOT NULL, observedOn TEXT NOT NULL,
    observed TEXT NOT NULL, observedStart TEXT NOT NULL, observedEnd TEXT NOT NULL, qualifier TEXT NOT NULL,
    territory TEXT, zone TEXT, value REAL NOT NULL, originalValue REAL NOT NULL, originalObservedOn TEXT NOT NULL,
    originalObserved TEXT NOT NULL, originalQualifier TEXT NOT NULL,
    source TEXT, comment TEXT, position INTEGER PRIMARY KEY, recordedAt TEXT NOT NULL,
    -- The roadmap version the sheet was in when the figure was recorded: the version whose record it is.
    version TEXT
  );
  -- Keyed by the correction's log position, like the reports.
  CREATE TABLE IF NOT EXISTS indicator_report_corrections (
    position INTEGER PRIMARY KEY, reportId TEXT NOT NULL, sheetId TEXT NOT NULL, indicatorId TEXT NOT NULL, value REAL NOT NULL,
    observedOn TEXT NOT NULL, observed TEXT NOT NULL, qualifier TEXT, reason TEXT NOT NULL, recordedAt TEXT NOT NULL
  );
`;

/** Secondary indexes of the series: created with the tables, or after the replay in a bulk rebuild. */
export const SERIES_INDEXES = `
  CREATE UNIQUE INDEX IF NOT EXISTS indicator_reports_by_report ON indicator_reports (reportId);
  CREATE INDEX IF NOT EXISTS indicator_reports_series ON indicator_reports (sheetId, indicatorId, observedOn);
  CREATE INDEX IF NOT EXISTS indicator_report_corrections_by_report ON indicator_report_corrections (reportId, position);
  CREATE INDEX IF NOT EXISTS indicator_report_corrections_by_series ON indicator_report_corrections (sheetId, indicatorId, position);
  -- Time travel after a snapshot needs the latest regional reports of an indicator as first written:
  -- a covering index over those rows only, by original date.
  CREATE INDEX IF NOT EXISTS indicator_reports_regional ON indicator_reports (sheetId, indicatorId, originalObservedOn, position, reportId, originalValue, territory, originalObserved, originalQualifier, zone)
    WHERE territory IS NULL OR territory = '24';
`;

/** A correction's new value and date; its qualifier only when it changes one. */
const CORRECT_REPORT_SQL = `UPDATE indicator_reports SET value = ?, observedOn = ?, observed = ?, observedStart = ?, observedEnd = ?,
  qualifier = COALESCE(?, qualifier) WHERE reportId = ?`;

/**
 * The first and last day of a printed date, remembered: a log repeats the same few thousand labels
 * (one per day reported), and parsing one costs about as much as inserting its report row. Bounded,
 * since labels are what clients send.
 */
const observedBounds = new Map<string, { start: string | null; end: string | null }>();
function boundsOf(label: string): { start: string | null; end: string | null } {
  let b = observedBounds.get(label);
  if (!b) {
    const dated = parseDated(label);
    b = { start: dated.start, end: dated.end };
    if (observedBounds.size >= 50_000) observedBounds.clear();
    observedBounds.set(label, b);
  }
  return b;
}

/** Writes the series rows of report and correction events, with statements prepared once per database. */
export class SeriesWriter {
  private readonly insertReport: Statement;
  private readonly correctReport: Statement;
  private readonly insertCorrection: Statement;
  /** In a bulk replay: corrections of the reports table, applied in order once reportId is indexed. */
  private readonly deferred: Array<unknown[]> | null;

  constructor(db: Database, options: { bulk: boolean }) {
    // Positional parameters: binding by name costs about twice as much per row.
    this.insertReport = db.prepare(`INSERT INTO indicator_reports (reportId, sheetId, indicatorId, observedOn, observed, observedStart, observedEnd, qualifier, territory, zone, value, originalValue, originalObservedOn, originalObserved, originalQualifier, source, comment, position, recordedAt, version)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.correctReport = db.prepare(CORRECT_REPORT_SQL);
    this.insertCorrection = db.prepare(`INSERT INTO indicator_report_corrections (position, reportId, sheetId, indicatorId, value, observedOn, observed, qualifier, reason, recordedAt)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.deferred = options.bulk ? [] : null;
  }

  /** A report, recorded while its sheet was in `version`. */
  reported(stored: FoldedLogEvent, d: IndicatorReported['data'], version: string): void {
    const observed = boundsOf(d.observed);
    this.insertReport.run(
      d.reportId, d.sheetId, d.indicatorId, d.observedOn, d.observed, observed.start, observed.end, d.qualifier,
      d.territory, d.zone ?? null, d.value, d.value, d.observedOn, d.observed, d.qualifier, d.source, d.comment,
      stored.position, stored.metadata.recordedAt, version,
    );
  }

  corrected(stored: FoldedLogEvent, d: IndicatorReportCorrected['data']): void {
    const observed = boundsOf(d.observed);
    const row = [d.value, d.observedOn, d.observed, observed.start, observed.end, d.qualifier ?? null, d.reportId];
    if (this.deferred) this.deferred.push(row);
    else this.correctReport.run(...row);
    this.insertCorrection.run(
      stored.position, d.reportId, d.sheetId, d.indicatorId, d.value, d.observedOn, d.observed, d.qualifier ?? null, d.reason, stored.metadata.recordedAt,
    );
  }

  /** After a bulk replay, once SERIES_INDEXES exist: the deferred corrections, in log order. */
  applyDeferred(): void {
    for (const row of this.deferred ?? []) this.correctReport.run(...row);
    this.deferred?.splice(0);
  }
}
