import { readFile, writeFile } from 'node:fs/promises';
import { ASSESSMENT_DOCUMENT_FORMATS, buildAssessment, loadAssessmentInputAt, negotiateAssessmentFormat, renderAssessmentDocument, verifyAssessmentFile, type AssessmentLog } from '#assessment';
import { isCalendarDate, isVersionLabel } from '#domain';
import type { Tracker } from '#tracker';
import type { CliCommand } from '../cli-command.js';

const DEFAULT_ROADMAP = 'scoran-centre-val-de-loire';
const BINARY = new Set(['odt', 'docx', 'pdf']);

function option(args: string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k === -1 ? undefined : args[k + 1];
}

const logOf = (ctx: Tracker): AssessmentLog => ({ store: ctx.store, chainHashAt: (position) => ctx.hashChain.hashAt(position) });

/** Checks an assessment file (JSON, Markdown, HTML, ODT, DOCX or PDF) against the log: exit 0 when it is what the log gives at its position, 1 otherwise. */
async function verify(ctx: Tracker, file: string): Promise<number> {
  await ctx.catchUp();
  const report = await verifyAssessmentFile({ ...ctx.queries, log: logOf(ctx) }, await readFile(file));
  for (const note of report.notes) process.stderr.write(`note: ${note}\n`);
  if (report.ok) {
    const s = report.stamp!;
    process.stdout.write(`OK: ${file} is the assessment ${s.version} of ${s.roadmapId} as known at ${s.knownAt} (position ${s.position}, chain ${s.chainHead ?? 'not chained then'})\n`);
    return 0;
  }
  process.stdout.write(`DIFFERS: ${file}\n${report.problems.map((p) => `- ${p}\n`).join('')}`);
  return 1;
}

/** Prints a version's assessment on stdout, or writes it to a file (ODT, DOCX and PDF are bytes, not text). */
export const assessmentCommand: CliCommand = {
  name: 'assessment',
  summary: 'print the assessment of a roadmap version, or write it as a document',
  usage: `assessment <version> [--format ${ASSESSMENT_DOCUMENT_FORMATS.join('|')}] [--output file] [--until YYYY-MM-DD] [--known-at ISO-instant] [--roadmap ${DEFAULT_ROADMAP}] | assessment --verify file`,
  async run(ctx, args) {
    const toVerify = option(args, '--verify');
    if (toVerify !== undefined) return verify(ctx, toVerify);
    const version = args[0];
    const knownAt = option(args, '--known-at');
    const format = negotiateAssessmentFormat(option(args, '--format') ?? 'md', undefined);
    const output = option(args, '--output');
    const until = option(args, '--until') ?? null;
    const roadmapId = option(args, '--roadmap') ?? DEFAULT_ROADMAP;
    if (!isVersionLabel(version)) { process.stderr.write(`usage: ${this.usage}\n`); return 2; }
    if (format === null) { process.stderr.write(`--format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}\n`); return 2; }
    if (until !== null && !isCalendarDate(until)) { process.stderr.write('--until must be a calendar date (YYYY-MM-DD)\n'); return 2; }
    if (knownAt !== undefined && Number.isNaN(Date.parse(knownAt))) { process.stderr.write('--known-at must be an ISO 8601 instant\n'); return 2; }
    if (!output && BINARY.has(format) && process.stdout.isTTY) { process.stderr.write(`--format ${format} writes bytes: give --output file, or redirect stdout\n`); return 2; }
    await ctx.catchUp();
    const doc = await renderAssessmentDocument(buildAssessment(await loadAssessmentInputAt({ ...ctx.queries, log: logOf(ctx) }, roadmapId, version, until, knownAt)), format);
    if (output) {
      await writeFile(output, doc.body);
      process.stderr.write(`assessment ${version} written to ${output} (${doc.contentType}, ${doc.body.length} bytes)\n`);
    } else {
      await new Promise<void>((resolve, reject) => process.stdout.write(doc.body, (err) => (err ? reject(err) : resolve())));
    }
    return 0;
  },
};
