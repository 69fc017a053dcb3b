import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DomainError } from '#domain';
import { DEFAULT_IMPORT_LIMITS, readSheetFacts, ReportFileRefused, runReportImport, type ImportAnswer } from '#reporting';
import { progress, type CliCommand } from '../cli-command.js';

const USAGE = 'import-reports <file> --organisation <id> [--dry-run]';

function describe(row: ImportAnswer['rows'][number]): string {
  if (row.outcome === 'refused') return `  row ${row.row}: refused (${row.code}${row.columnName ? `, column ${row.column ?? '?'} « ${row.columnName} »` : ''}): ${row.message}`;
  if (row.outcome === 'failed') return `  row ${row.row}: failed: ${row.message}`;
  return `  row ${row.row}: ${row.outcome.replace('_', ' ')} (${row.sheetId} / ${row.indicatorId})`;
}

/**
 * A filled reporting template (.xlsx or .csv) written as the HTTP import writes it (same rows, same
 * outcomes, `runReportImport`), from the machine that holds the data: no pilot policy, metadata
 * source `cli`. Exit 0 when every row passed, 1 when some were refused, 2 on a bad invocation.
 */
export const importReportsCommand: CliCommand = {
  name: 'import-reports',
  summary: 'import a filled reporting template (.xlsx or .csv) for an organisation',
  usage: USAGE,
  async run(ctx, args) {
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { organisation: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } } });
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}\n`);
      return 2;
    }
    const [file, ...extra] = parsed.positionals;
    const organisationId = parsed.values.organisation;
    if (!file || extra.length > 0 || !organisationId) {
      process.stderr.write(`usage: ${USAGE}\n`);
      return 2;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      process.stderr.write(`${file}: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    await ctx.catchUp();
    const sheets = readSheetFacts(organisationId, ctx.queries);
    if (sheets.length === 0) {
      process.stderr.write(`organisation ${organisationId} pilots no sheet\n`);
      return 2;
    }
    const dryRun = parsed.values['dry-run'] ?? false;
    let bar: ReturnType<typeof progress> | undefined;
    let answer: ImportAnswer;
    try {
      answer = await runReportImport({
        organisationId, bytes, filename: file, dryRun, sheets,
        limits: { ...DEFAULT_IMPORT_LIMITS, maxRows: ctx.config.importMaxRows },
        metadata: { now: new Date(), actor: `cli:${process.env.USER ?? 'operator'}`, correlationId: `cli-import-reports-${Date.now()}`, source: 'cli' },
        commands: ctx.commands,
        // Visible: the read models are caught up before the answer is printed.
        write: async (sheetId, command) => {
          const outcome = await ctx.commands.onSheet(sheetId, command);
          return { eventId: outcome.eventIds[0]!, position: outcome.position };
        },
        onFailure: (error) => process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`),
        onProgress: (done, total) => (bar ??= progress(dryRun ? 'import-reports (dry run)' : 'import-reports', total)).tick(done),
      });
    } catch (error) {
      bar?.end();
      if (error instanceof ReportFileRefused || error instanceof DomainError) {
        process.stderr.write(`${file}: ${error.message}\n`);
        return 1;
      }
      throw error;
    }
    bar?.end();
    await ctx.catchUp();
    for (const row of answer.rows) process.stderr.write(`${describe(row)}\n`);
    const s = answer.summary;
    process.stderr.write(`import-reports ${organisationId}: ${dryRun ? `${s.would_write} would be written` : `${s.written} written`}, ${s.already_recorded} already recorded, ${s.refused} refused, ${s.failed} failed, ${s.empty} empty rows\n`);
    // The answer on stdout is the HTTP endpoint's, for a script to read.
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return s.refused + s.failed > 0 ? 1 : 0;
  },
};
