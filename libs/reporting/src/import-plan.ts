import type { Qualifier } from './cell-values.js';
import type { ParsedFile } from './import-parser.js';
import { importedReportId } from './report-ids.js';
import type { IndicatorFacts, ReportFact, SheetFacts } from './sheet-facts.js';
import { TEMPLATE_COLUMNS } from './template.js';

export interface PlannedReport {
  row: number;
  sheetId: string;
  indicatorId: string;
  reportId: string;
  value: number;
  observedOn: string;
  territory: string | null;
  zone: string | null;
  source: string;
  /** Null when the pilot wrote none: the domain's default (`exact`) applies. */
  qualifier: Qualifier | null;
  comment: string | null;
}

export type PlanOutcome =
  | { row: number; outcome: 'to_write'; report: PlannedReport }
  | { row: number; outcome: 'already_recorded'; sheetId: string; indicatorId: string; reportId: string }
  | { row: number; outcome: 'refused'; code: string; message: string; column: string | null; columnName: string | null; sheetId: string; indicatorId: string };

const header = (key: (typeof TEMPLATE_COLUMNS)[number]['key']) => TEMPLATE_COLUMNS.find((c) => c.key === key)!.header;

/**
 * What to do with each report a file carries, against what the organisation pilots and what is
 * already recorded: refused when the row names a sheet the organisation does not pilot (or a closed
 * one) or an indicator it lacks; already recorded when its deterministic id is; refused when the
 * same scope already has another value for that day (that is a correction, not a report); otherwise
 * to write. A row that repeats an earlier row of the file is refused as a duplicate.
 */
export function planImport(organisationId: string, file: Pick<ParsedFile, 'reports' | 'columns'>, sheets: readonly SheetFacts[], source: (row: number) => string): PlanOutcome[] {
  const bySheet = new Map(sheets.map((s) => [s.sheetId, s]));
  const planned = new Map<string, number>();
  const indexed = new Map<IndicatorFacts, RecordedReports>();
  const out: PlanOutcome[] = [];
  for (const r of file.reports) {
    const ids = { sheetId: r.sheetId, indicatorId: r.indicatorId };
    const refuse = (code: string, message: string, column: 'rowKey' | 'value' | 'observedOn' = 'rowKey') =>
      out.push({ row: r.row, outcome: 'refused', code, message, column: file.columns[header(column)] ?? null, columnName: header(column), ...ids });
    const sheet = bySheet.get(r.sheetId);
    if (!sheet) { refuse('not_a_pilot', `row ${r.row}: organisation ${organisationId} does not pilot sheet ${r.sheetId}`); continue; }
    if (sheet.status !== 'active') { refuse('sheet_closed', `row ${r.row}: sheet ${r.sheetId} is ${sheet.status}: it accepts no further reports`); continue; }
    const ind = sheet.indicators.find((i) => i.indicatorId === r.indicatorId);
    if (!ind) { refuse('indicator_not_found', `row ${r.row}: sheet ${r.sheetId} has no indicator ${r.indicatorId}`); continue; }
    const reportId = importedReportId({ organisationId, ...ids, territory: r.territory, zone: r.zone, observedOn: r.observedOn, value: r.value });
    const recorded = recordedOf(ind, indexed);
    if (recorded.ids.has(reportId)) { out.push({ row: r.row, outcome: 'already_recorded', ...ids, reportId }); continue; }
    const other = recorded.byScope.get(r.observedOn)?.get(r.territory)?.get(r.zone);
    if (other) {
      refuse('already_reported', `row ${r.row}: ${r.indicatorId} already has the value ${other.value} for ${r.observedOn} in this scope; a different value is a correction (report ${other.reportId})`, 'value');
      continue;
    }
    const earlier = planned.get(reportId);
    if (earlier !== undefined) { refuse('duplicate_row', `row ${r.row} gives the same report as row ${earlier}`); continue; }
    planned.set(reportId, r.row);
    out.push({
      row: r.row, outcome: 'to_write',
      report: { row: r.row, ...ids, reportId, value: r.value, observedOn: r.observedOn, territory: r.territory, zone: r.zone, source: source(r.row), qualifier: r.qualifier, comment: r.comment },
    });
  }
  return out;
}

/** An indicator's reports by id and by day and scope: a file of 10 000 rows against years of weekly reports. */
interface RecordedReports {
  ids: Set<string>;
  /** Day → territory → zone → the first report of that scope and day, in the indicator's order. */
  byScope: Map<string, Map<string | null, Map<string | null, ReportFact>>>;
}

function recordedOf(ind: IndicatorFacts, cache: Map<IndicatorFacts, RecordedReports>): RecordedReports {
  let recorded = cache.get(ind);
  if (recorded) return recorded;
  recorded = { ids: new Set(), byScope: new Map() };
  for (const x of ind.reports) {
    recorded.ids.add(x.reportId);
    let byTerritory = recorded.byScope.get(x.observedOn);
    if (!byTerritory) recorded.byScope.set(x.observedOn, (byTerritory = new Map()));
    let byZone = byTerritory.get(x.territory);
    if (!byZone) byTerritory.set(x.territory, (byZone = new Map()));
    const zone = x.zone ?? null;
    if (!byZone.has(zone)) byZone.set(zone, x);
  }
  cache.set(ind, recorded);
  return recorded;
}
