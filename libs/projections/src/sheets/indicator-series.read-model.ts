import type { Database, Statement } from 'better-sqlite3';
import { parseDated, REGION_CODE, type Qualifier } from '#domain';
import type { TimeTravel } from './sheet-time-travel.js';

/** One report of an indicator's series, with its latest correction applied (as known at `knownAt`, when given). */
export interface SeriesPoint {
  reportId: string;
  /** The last day of `observed`, the date as printed; asOf keeps the points whose last day is on or before it. */
  observedOn: string;
  observed: string;
  value: number;
  qualifier: Qualifier;
  territory: string | null;
  zone: string | null;
  recordedAt: string;
  corrected: boolean;
}

/** A point of the regional series: the region's own report, else the sum of the departments' of that day. */
export interface RegionalPoint {
  observedOn: string;
  value: number;
  territories: string[];
  source: 'region' | 'sum-of-departments';
}

/** A report as the open-data series lists it (current value, whether it was ever corrected). */
export interface ReportRow {
  reportId: string;
  sheetId: string;
  indicatorId: string;
  observedOn: string;
  /** As printed (a dated label), and how the real figure relates to `value`. */
  observed: string;
  qualifier: Qualifier;
  territory: string | null;
  zone: string | null;
  value: number;
  source: string | null;
  corrected: boolean;
  /** The roadmap version the sheet was in when the figure was recorded; null when not known. */
  version: string | null;
}

/** The latest day (by asOf) on which an indicator was reported for a department. */
export interface DepartmentReportDay {
  sheetId: string;
  indicatorId: string;
  date: string;
}

/** One of the last two observation days of an indicator and zone ('' for none): rank 1 is the latest. */
export interface RankedDay {
  sheetId: string;
  indicatorId: string;
  zone: string;
  observedOn: string;
  rank: number;
}

const regional = (territory: string | null) => territory === null || territory === '24';

/**
 * The reports as a table: the current one, or as known at `@knownAt` (recorded by then, each with the
 * value, date and qualifier of its last correction recorded by then), with the columns the queries read.
 */
const reportsTable = (knownAt: string | undefined) => (knownAt
  ? `(SELECT r.reportId, r.sheetId, r.indicatorId, r.territory, r.zone, r.position, r.version,
      COALESCE((SELECT c.observedOn FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalObservedOn) AS observedOn,
      COALESCE((SELECT c.observed FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalObserved) AS observed,
      COALESCE((SELECT c.value FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalValue) AS value,
      COALESCE((SELECT c.qualifier FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt AND c.qualifier IS NOT NULL ORDER BY c.position DESC LIMIT 1), r.originalQualifier) AS qualifier
    FROM indicator_reports r WHERE r.sheetId IN (SELECT value FROM json_each(@sheetIds)) AND r.recordedAt <= @knownAt)`
  : 'indicator_reports');

/**
 * The indicator series read model (SheetsProjection's indicator_reports and their corrections): every
 * report with its current value, and with knownAt the value of its last correction recorded by then.
 * Statements are prepared once per instance, on first use.
 */
export class IndicatorSeriesReadModel {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private st(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** An indicator's reports in date then log order; asOf keeps the dates on or before it, knownAt what was recorded by then. */
  series(sheetId: string, indicatorId: string, opts: TimeTravel & { territory?: string } = {}): SeriesPoint[] {
    const params = { sheetId, indicatorId, territory: opts.territory ?? null, asOf: opts.asOf ?? null, knownAt: opts.knownAt ?? null };
    // With knownAt, a report shows the value of its last correction recorded by then (or its original).
    const value = opts.knownAt
      ? `COALESCE((SELECT c.value FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalValue)`
      : 'r.value';
    const observedOn = opts.knownAt
      ? `COALESCE((SELECT c.observedOn FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalObservedOn)`
      : 'r.observedOn';
    const observed = opts.knownAt
      ? `COALESCE((SELECT c.observed FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalObserved)`
      : 'r.observed';
    const qualifier = opts.knownAt
      ? `COALESCE((SELECT c.qualifier FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt AND c.qualifier IS NOT NULL ORDER BY c.position DESC LIMIT 1), r.originalQualifier)`
      : 'r.qualifier';
    const corrected = opts.knownAt
      ? `EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt)`
      : `EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId)`;
    const rows = this.st(`SELECT * FROM (SELECT r.reportId, ${observedOn} AS observedOn, ${observed} AS observed, ${value} AS value, ${qualifier} AS qualifier, r.territory, r.zone, r.recordedAt, r.position, ${corrected} AS corrected
        FROM indicator_reports r WHERE r.sheetId = @sheetId AND r.indicatorId = @indicatorId
        ${opts.knownAt ? 'AND r.recordedAt <= @knownAt' : ''}
        ${opts.territory ? 'AND r.territory IS @territory' : ''})
      ${opts.asOf ? 'WHERE observedOn <= @asOf' : ''}
      ORDER BY observedOn, position`).all(params) as Array<Omit<SeriesPoint, 'corrected'> & { position: number; corrected: number }>;
    return rows.map((r) => ({ reportId: r.reportId, observedOn: r.observedOn, observed: r.observed, value: r.value, qualifier: r.qualifier, territory: r.territory, zone: r.zone, recordedAt: r.recordedAt, corrected: Boolean(r.corrected) }));
  }

  /**
   * Each report of an indicator with only its two times (its current observedOn, as `series` gives
   * it without bounds, and its recordedAt), in no particular order: what its reporting lag reads.
   */
  reportTimes(sheetId: string, indicatorId: string): Array<{ observedOn: string; recordedAt: string }> {
    return this.st('SELECT observedOn, recordedAt FROM indicator_reports WHERE sheetId = ? AND indicatorId = ?').all(sheetId, indicatorId) as Array<{ observedOn: string; recordedAt: string }>;
  }

  /** Every report, optionally of one sheet and observed on or before asOf, in no particular order. */
  reports(filter: { sheetId?: string; asOf?: string } = {}): ReportRow[] {
    const rows = this.st(`SELECT r.reportId, r.sheetId, r.indicatorId, r.observedOn, r.observed, r.qualifier, r.territory, r.zone, r.value, r.source, r.version,
        EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId) AS corrected
      FROM indicator_reports r WHERE (@asOf IS NULL OR r.observedOn <= @asOf) AND (@sheetId IS NULL OR r.sheetId = @sheetId)`)
      .all({ asOf: filter.asOf ?? null, sheetId: filter.sheetId ?? null }) as Array<Omit<ReportRow, 'corrected'> & { corrected: number }>;
    return rows.map((r) => ({ ...r, corrected: Boolean(r.corrected) }));
  }

  /** Per indicator of a roadmap's sheets reported for a department (any territory but the region): the latest such day by asOf. */
  latestDepartmentDays(roadmapId: string, asOf: string | null): DepartmentReportDay[] {
    return this.st(`SELECT r.sheetId, r.indicatorId, MAX(r.observedOn) AS date FROM indicator_reports r JOIN sheet_summary s ON s.sheetId = r.sheetId
      WHERE s.roadmapId = @roadmapId AND r.territory IS NOT NULL AND r.territory <> @region AND (@asOf IS NULL OR r.observedOn <= @asOf)
      GROUP BY r.sheetId, r.indicatorId`).all({ roadmapId, region: REGION_CODE, asOf }) as DepartmentReportDay[];
  }

  /** The reports of one indicator on one day (optionally of one zone, '' for none), in log order. */
  reportsOn(sheetId: string, indicatorId: string, observedOn: string, zone?: string): Array<{ territory: string | null; zone: string | null; value: number }> {
    if (zone === undefined) {
      return this.st('SELECT territory, zone, value FROM indicator_reports WHERE sheetId = ? AND indicatorId = ? AND observedOn = ? ORDER BY position')
        .all(sheetId, indicatorId, observedOn) as Array<{ territory: string | null; zone: string | null; value: number }>;
    }
    return this.st(`SELECT territory, zone, value FROM indicator_reports
      WHERE sheetId = ? AND indicatorId = ? AND observedOn = ? AND IFNULL(zone, '') = ? ORDER BY position`)
      .all(sheetId, indicatorId, observedOn, zone) as Array<{ territory: string | null; zone: string | null; value: number }>;
  }

  /**
   * How many reports each indicator of these sheets has on or before `until` (as known at `knownAt`, when
   * given), keyed `sheetId|indicatorId`; with `version`, only the reports recorded while the sheet was in
   * that version (or in an unknown one).
   */
  reportCounts(sheetIds: readonly string[], until: string, knownAt?: string, version: string | null = null): Map<string, number> {
    const out = new Map<string, number>();
    if (sheetIds.length === 0) return out;
    const rows = this.st(`SELECT sheetId, indicatorId, COUNT(*) AS n FROM ${reportsTable(knownAt)}
      WHERE sheetId IN (SELECT value FROM json_each(@sheetIds)) AND observedOn <= @until AND (@version IS NULL OR version IS NULL OR version = @version) GROUP BY sheetId, indicatorId`)
      .all({ sheetIds: JSON.stringify(sheetIds), until, version, ...(knownAt ? { knownAt } : {}) }) as Array<{ sheetId: string; indicatorId: string; n: number }>;
    for (const r of rows) out.set(`${r.sheetId}|${r.indicatorId}`, r.n);
    return out;
  }

  /**
   * The last two observation days on or before `until` of each indicator and zone of these sheets,
   * ordered by sheet, indicator, zone, then rank (a window function, not a fold over the reports);
   * with `knownAt`, over the reports as known then; with `version`, of the reports recorded while the
   * sheet was in that version (or in an unknown one).
   */
  lastTwoDays(sheetIds: readonly string[], until: string, knownAt?: string, version: string | null = null): RankedDay[] {
    if (sheetIds.length === 0) return [];
    return this.st(`WITH dated AS (
        SELECT DISTINCT sheetId, indicatorId, IFNULL(zone, '') AS zone, observedOn FROM ${reportsTable(knownAt)}
        WHERE sheetId IN (SELECT value FROM json_each(@sheetIds)) AND observedOn <= @until AND (@version IS NULL OR version IS NULL OR version = @version)
      ), ranked AS (
        SELECT *, ROW_NUMBER() OVER (PARTITION BY sheetId, indicatorId, zone ORDER BY observedOn DESC) AS rank FROM dated
      )
      SELECT sheetId, indicatorId, zone, observedOn, rank FROM ranked WHERE rank <= 2 ORDER BY sheetId, indicatorId, zone, rank`)
      .all({ sheetIds: JSON.stringify(sheetIds), until, version, ...(knownAt ? { knownAt } : {}) }) as RankedDay[];
  }

  /**
   * The regional value of a day and zone with its qualifier: the region's own report (the last
   * recorded), else the sum of the departments, whose qualifier is theirs when they share one and
   * `about` otherwise (a sum of an exact and an approximate figure is approximate). With `knownAt`, as known
   * then; with `version`, of the reports recorded while the sheet was in that version (or in an unknown one).
   */
  regionalQuantityOn(sheetId: string, indicatorId: string, zone: string, observedOn: string, knownAt?: string, version: string | null = null): { value: number; qualifier: Qualifier; observed: string } {
    const reports = this.st(`SELECT territory, value, qualifier, observed FROM ${reportsTable(knownAt)}
      WHERE sheetId = @sheetId AND indicatorId = @indicatorId AND observedOn = @observedOn AND IFNULL(zone, '') = @zone
        AND (@version IS NULL OR version IS NULL OR version = @version) ORDER BY position`)
      .all({ sheetId, indicatorId, observedOn, zone, version, ...(knownAt ? { knownAt, sheetIds: JSON.stringify([sheetId]) } : {}) }) as Array<{ territory: string | null; value: number; qualifier: Qualifier; observed: string }>;
    const region = reports.filter((r) => regional(r.territory)).at(-1);
    if (region) return { value: region.value, qualifier: region.qualifier, observed: region.observed };
    const qualifiers = new Set(reports.map((r) => r.qualifier));
    // A sum of departments is dated as the least precise of theirs (the widest period), so that it never reads more precise than a source.
    let widest: { observed: string; start: string } | null = null;
    for (const r of reports) {
      const start = parseDated(r.observed).start ?? '';
      if (widest === null || start < widest.start) widest = { observed: r.observed, start };
    }
    return { value: reports.reduce((sum, r) => sum + r.value, 0), qualifier: qualifiers.size <= 1 ? (reports[0]?.qualifier ?? 'exact') : 'about', observed: widest?.observed ?? observedOn };
  }
}

/** Region-level series built from department reports when the region itself was not reported. */
export function seriesByRegion(points: readonly SeriesPoint[]): RegionalPoint[] {
  const byDate = new Map<string, SeriesPoint[]>();
  for (const p of points) byDate.set(`${p.observedOn}|${p.zone ?? ''}`, [...(byDate.get(`${p.observedOn}|${p.zone ?? ''}`) ?? []), p]);
  const out: RegionalPoint[] = [];
  for (const [key, group] of byDate) {
    const observedOn = key.split('|')[0]!;
    const region = group.filter((p) => regional(p.territory)).at(-1);
    if (region) out.push({ observedOn, value: region.value, territories: [region.territory ?? '24'], source: 'region' });
    else out.push({ observedOn, value: group.reduce((s, p) => s + p.value, 0), territories: group.map((p) => p.territory!).sort(), source: 'sum-of-departments' });
  }
  return out.sort((a, b) => a.observedOn.localeCompare(b.observedOn));
}
