import type { CommandMetadata, RoadmapCommands, WithMetadata } from '#application';
import { dayOf, DomainError, finalTargetFor, REGION_CODE, scopeOf, sheetDecider, sheetStream, type SheetCommand, type SheetState, type Zone } from '#domain';
import type { IndicatorSeriesReadModel, SheetsReadModel } from '#projections';
import { parseReportFile, type ImportLimits, type ParsedFile } from './import-parser.js';
import { planImport, type PlannedReport } from './import-plan.js';
import type { SheetFacts } from './sheet-facts.js';
import { TEMPLATE_COLUMNS } from './template.js';

export type RowOutcome =
  | { row: number; outcome: 'written'; sheetId: string; indicatorId: string; reportId: string; eventId: string; visible: boolean }
  | { row: number; outcome: 'would_write'; sheetId: string; indicatorId: string; reportId: string }
  | { row: number; outcome: 'already_recorded'; sheetId: string; indicatorId: string; reportId: string }
  | { row: number; outcome: 'refused'; code: string; message: string; column: string | null; columnName: string | null; sheetId?: string; indicatorId?: string }
  | { row: number; outcome: 'failed'; sheetId: string; indicatorId: string; reportId: string; message: string };

export interface ImportAnswer {
  organisationId: string;
  dryRun: boolean;
  format: ParsedFile['format'];
  summary: Record<RowOutcome['outcome'] | 'empty', number>;
  /** Every row that carried something, in file order. */
  rows: RowOutcome[];
  emptyRows: number[];
  ignoredColumns: ParsedFile['ignoredColumns'];
}

/** How a report is written where the import runs: its stored event (id, log position), or a DomainError thrown. */
export type WriteReport = (sheetId: string, command: WithMetadata<SheetCommand>) => Promise<{ eventId: string; position: number }>;

/**
 * Read-your-writes for the whole file, waited for once every row is stored: resolves with which of
 * the written positions the read models show (all of them, unless they stopped or fell behind).
 */
export type AwaitVisible = (lastPosition: number) => Promise<(position: number) => boolean>;

export interface ImportRun {
  organisationId: string;
  bytes: Buffer;
  filename: string | null;
  dryRun: boolean;
  limits: ImportLimits;
  metadata: CommandMetadata;
  /** The organisation's sheets as the read models show them (`readSheetFacts`). */
  sheets: SheetFacts[];
  /** The write side, for the current state a dry run decides against. */
  commands: Pick<RoadmapCommands, 'load'>;
  write: WriteReport;
  /** By default every written row counts as visible (a caller that catches up before answering). */
  visible?: AwaitVisible;
  /** Called with what failed otherwise than by a rule (the row answers `failed`). */
  onFailure?: (error: unknown) => void;
  /** Called as rows are decided (a progress bar). */
  onProgress?: (done: number, total: number) => void;
}

const header = (key: (typeof TEMPLATE_COLUMNS)[number]['key']) => TEMPLATE_COLUMNS.find((c) => c.key === key)!.header;
/** The column a domain refusal points at, by the field its details name. */
const FIELD_HEADERS: Record<string, string> = { value: header('value'), observedOn: header('observedOn'), territory: header('rowKey'), comment: header('comment') };

/**
 * Rows written together (see runReportImport). On the bench's 10 000-row file, 250 and 1 000 took the
 * same time (0.6–0.75 s for 4 363 rows written after a report load), and 250 held 9–15 MB at the
 * peak where 1 000 held 23–28.
 */
const WRITE_CHUNK = 250;

/**
 * A filled template, row by row, through the same command as POST /api/sheets/:sheetId/indicators/
 * :indicatorId/reports (ReportIndicator), so that a file obeys the same rules as a form, whether it
 * arrives over HTTP or on the command line. A dry run decides each row against the sheet's current
 * state, in file order, and writes nothing.
 */
export async function runReportImport(input: ImportRun): Promise<ImportAnswer> {
  const parsed = await parseReportFile(input.bytes, input.limits);
  const name = input.filename ?? 'fichier de saisie';
  const plan = planImport(input.organisationId, parsed, input.sheets, (row) => `${name}, ligne ${row}`);
  const columnOf = (field: unknown) => {
    const h = typeof field === 'string' ? FIELD_HEADERS[field] : undefined;
    return { column: h ? parsed.columns[h] ?? null : null, columnName: h ?? null };
  };
  const refusal = (p: PlannedReport, error: DomainError): RowOutcome => ({
    row: p.row, outcome: 'refused', code: error.code, message: `row ${p.row}: ${error.message}`, ...columnOf(error.details?.field), sheetId: p.sheetId, indicatorId: p.indicatorId,
  });
  const toWrite = plan.flatMap((o) => (o.outcome === 'to_write' ? [o.report] : []));
  const decided = new Map<number, RowOutcome>();
  let done = 0;
  const tick = () => input.onProgress?.(done, toWrite.length);
  tick();
  if (input.dryRun) {
    for (const [sheetId, reports] of groupBy(toWrite, (p) => p.sheetId)) {
      let state: SheetState = (await input.commands.load(sheetStream(sheetId), sheetDecider)).state;
      for (const p of reports) {
        try {
          const events = sheetDecider.decide({ type: 'ReportIndicator', data: reportData(p), metadata: input.metadata }, state);
          for (const e of events) state = sheetDecider.evolve(state, e);
          decided.set(p.row, { row: p.row, outcome: 'would_write', sheetId: p.sheetId, indicatorId: p.indicatorId, reportId: p.reportId });
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          decided.set(p.row, refusal(p, error));
        }
        done++;
        tick();
      }
    }
  } else {
    const stored = new Map<number, { eventId: string; position: number }>();
    // Sent WRITE_CHUNK at a time: the reports of one sheet in a chunk are decided in turn, in file
    // order, and appended in one commit. A chunk's commands, events and answers are what the import
    // holds at once (all 8 572 rows of a 10 000-row file at once took ~100 MB at the peak).
    for (let start = 0; start < toWrite.length; start += WRITE_CHUNK) await Promise.all(toWrite.slice(start, start + WRITE_CHUNK).map(async (p) => {
      const about = { sheetId: p.sheetId, indicatorId: p.indicatorId, reportId: p.reportId };
      try {
        stored.set(p.row, await input.write(p.sheetId, { type: 'ReportIndicator', data: reportData(p), metadata: input.metadata }));
      } catch (error) {
        if (error instanceof DomainError && error.code === 'report_exists') decided.set(p.row, { row: p.row, outcome: 'already_recorded', ...about });
        else if (error instanceof DomainError) decided.set(p.row, refusal(p, error));
        else {
          input.onFailure?.(error);
          decided.set(p.row, { row: p.row, outcome: 'failed', ...about, message: `row ${p.row}: this report could not be decided; the failure was logged` });
        }
      }
      done++;
      tick();
    }));
    let last = 0;
    for (const w of stored.values()) last = Math.max(last, w.position);
    const shown = stored.size && input.visible ? await input.visible(last) : () => true;
    for (const p of toWrite) {
      const written = stored.get(p.row);
      if (!written) continue;
      decided.set(p.row, { row: p.row, outcome: 'written', sheetId: p.sheetId, indicatorId: p.indicatorId, reportId: p.reportId, eventId: written.eventId, visible: shown(written.position) });
    }
  }
  const rows: RowOutcome[] = [
    ...parsed.refused.map((r): RowOutcome => ({ row: r.row, outcome: 'refused', code: r.code, message: r.message, column: r.column, columnName: r.columnName })),
    ...plan.map((o): RowOutcome => (o.outcome === 'to_write' ? decided.get(o.row)! : o)),
  ].sort((a, b) => a.row - b.row);
  const summary = { written: 0, would_write: 0, already_recorded: 0, refused: 0, failed: 0, empty: parsed.emptyRows.length };
  for (const r of rows) summary[r.outcome]++;
  return { organisationId: input.organisationId, dryRun: input.dryRun, format: parsed.format, summary, rows, emptyRows: parsed.emptyRows, ignoredColumns: parsed.ignoredColumns };
}

const reportData = (p: PlannedReport) => ({
  // The decider checks the zone against the domain's (an unknown one is refused with its rule).
  indicatorId: p.indicatorId, reportId: p.reportId, value: p.value, observedOn: p.observedOn, territory: p.territory, zone: p.zone as Zone | null, source: p.source, comment: p.comment,
  ...(p.qualifier ? { qualifier: p.qualifier } : {}),
});

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const group = out.get(key(item));
    if (group) group.push(item);
    else out.set(key(item), [item]);
  }
  return out;
}

/**
 * The sheets an organisation pilots (any status), with their indicators (their frequency included),
 * every report (both times) and their milestones, from the read models; empty when it pilots none.
 */
export function readSheetFacts(
  organisationId: string,
  reads: { sheets: Pick<SheetsReadModel, 'list' | 'get'>; series: Pick<IndicatorSeriesReadModel, 'series'> },
): SheetFacts[] {
  const out: SheetFacts[] = [];
  for (const item of reads.sheets.list({ pilot: organisationId })) {
    const sheetId = item.sheetId as string;
    const view = reads.sheets.get(sheetId);
    if (!view) continue;
    out.push({
      // Only sheets with a pilot are listed here, and those have a number (historic ones may have neither).
      sheetId, number: view.number ?? '', title: view.title, status: view.status, createdOn: dayOf(view.createdAt),
      indicators: view.indicators.map((i) => {
        // The region's final target (a target of no territory counts as the region's); one without a day has nothing to be due by.
        const target = finalTargetFor(i, scopeOf({ territory: REGION_CODE }));
        return {
          indicatorId: i.indicatorId, name: i.name, unit: i.unit, frequency: i.frequency,
          target: target && target.by ? { value: target.value, by: target.by } : null,
          reports: reads.series.series(sheetId, i.indicatorId, {}).map((p) => ({
            reportId: p.reportId, value: p.value, observedOn: p.observedOn, territory: p.territory, zone: p.zone, recordedAt: p.recordedAt,
          })),
        };
      }),
      milestones: view.milestones.map((m) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due, reachedOn: m.reachedOn })),
    });
  }
  return out;
}
