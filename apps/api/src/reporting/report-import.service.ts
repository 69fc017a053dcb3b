import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { RoadmapCommands, type CommandMetadata, type CommandOutcome } from '#application';
import type { Principal } from '#auth';
import { DomainError, sheetDecider, sheetStream, type SheetState, type Zone } from '#domain';
import { parseReportFile, planImport, TEMPLATE_COLUMNS, type ImportLimits, type ParsedFile, type PlannedReport } from '#reporting';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { StoredNotVisible } from '../http/read-your-writes.js';
import { ReportingReads } from './reporting-reads.service.js';

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

const header = (key: (typeof TEMPLATE_COLUMNS)[number]['key']) => TEMPLATE_COLUMNS.find((c) => c.key === key)!.header;
/** The column a domain refusal points at, by the field its details name. */
const FIELD_HEADERS: Record<string, string> = { value: header('value'), observedOn: header('observedOn'), territory: header('rowKey'), comment: header('comment') };

/**
 * A filled template, row by row, through the same command as POST /api/sheets/:sheetId/indicators/
 * :indicatorId/reports (ExecuteSheetCommand with ReportIndicator), so that a file obeys the same
 * rules as a form. A dry run decides each row against the sheet's current state, in file order,
 * and writes nothing.
 */
@Injectable()
export class ReportImport {
  private readonly logger = new Logger('ReportImport');

  constructor(
    private readonly reads: ReportingReads,
    private readonly commandBus: CommandBus,
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
  ) {}

  async run(input: { organisationId: string; bytes: Buffer; filename: string | null; principal: Principal; dryRun: boolean; limits: ImportLimits; metadata: CommandMetadata }): Promise<ImportAnswer> {
    const parsed = await parseReportFile(input.bytes, input.limits);
    const sheets = await this.reads.sheetsOf(input.organisationId);
    const name = input.filename ?? 'fichier de saisie';
    const plan = planImport(input.organisationId, parsed, sheets, (row) => `${name}, ligne ${row}`);
    const columnOf = (field: unknown) => {
      const h = typeof field === 'string' ? FIELD_HEADERS[field] : undefined;
      return { column: h ? parsed.columns[h] ?? null : null, columnName: h ?? null };
    };
    const refusal = (p: PlannedReport, error: DomainError): RowOutcome => ({
      row: p.row, outcome: 'refused', code: error.code, message: `row ${p.row}: ${error.message}`, ...columnOf(error.details?.field), sheetId: p.sheetId, indicatorId: p.indicatorId,
    });
    const toWrite = plan.flatMap((o) => (o.outcome === 'to_write' ? [o.report] : []));
    const decided = new Map<number, RowOutcome>();
    if (input.dryRun) {
      for (const [sheetId, reports] of groupBy(toWrite, (p) => p.sheetId)) {
        let state: SheetState = (await this.commands.load(sheetStream(sheetId), sheetDecider)).state;
        for (const p of reports) {
          try {
            const events = sheetDecider.decide({ type: 'ReportIndicator', data: reportData(p), metadata: input.metadata }, state);
            for (const e of events) state = sheetDecider.evolve(state, e);
            decided.set(p.row, { row: p.row, outcome: 'would_write', sheetId: p.sheetId, indicatorId: p.indicatorId, reportId: p.reportId });
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            decided.set(p.row, refusal(p, error));
          }
        }
      }
    } else {
      // Dispatched together: the reports of one sheet are decided in turn and appended in one commit.
      const settled = await Promise.allSettled(toWrite.map((p) => this.commandBus.execute<ExecuteSheetCommand, CommandOutcome>(
        new ExecuteSheetCommand(p.sheetId, { type: 'ReportIndicator', data: reportData(p), metadata: input.metadata }, input.principal),
      )));
      settled.forEach((s, k) => {
        const p = toWrite[k]!;
        const about = { sheetId: p.sheetId, indicatorId: p.indicatorId, reportId: p.reportId };
        if (s.status === 'fulfilled') decided.set(p.row, { row: p.row, outcome: 'written', ...about, eventId: s.value.eventIds[0]!, visible: true });
        else if (s.reason instanceof StoredNotVisible) decided.set(p.row, { row: p.row, outcome: 'written', ...about, eventId: s.reason.result.eventIds[0]!, visible: false });
        else if (s.reason instanceof DomainError && s.reason.code === 'report_exists') decided.set(p.row, { row: p.row, outcome: 'already_recorded', ...about });
        else if (s.reason instanceof DomainError) decided.set(p.row, refusal(p, s.reason));
        else {
          this.logger.error(s.reason instanceof Error ? s.reason.stack ?? s.reason.message : String(s.reason));
          decided.set(p.row, { row: p.row, outcome: 'failed', ...about, message: `row ${p.row}: the server could not decide this report; the failure was logged` });
        }
      });
    }
    const rows: RowOutcome[] = [
      ...parsed.refused.map((r): RowOutcome => ({ row: r.row, outcome: 'refused', code: r.code, message: r.message, column: r.column, columnName: r.columnName })),
      ...plan.map((o): RowOutcome => (o.outcome === 'to_write' ? decided.get(o.row)! : o)),
    ].sort((a, b) => a.row - b.row);
    const summary = { written: 0, would_write: 0, already_recorded: 0, refused: 0, failed: 0, empty: parsed.emptyRows.length };
    for (const r of rows) summary[r.outcome]++;
    return { organisationId: input.organisationId, dryRun: input.dryRun, format: parsed.format, summary, rows, emptyRows: parsed.emptyRows, ignoredColumns: parsed.ignoredColumns };
  }
}

const reportData = (p: PlannedReport) => ({
  // The decider checks the zone against the domain's (an unknown one is refused with its rule).
  indicatorId: p.indicatorId, reportId: p.reportId, value: p.value, observedOn: p.observedOn, territory: p.territory, zone: p.zone as Zone | null, source: p.source, comment: p.comment,
});

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) out.set(key(item), [...(out.get(key(item)) ?? []), item]);
  return out;
}
