import { writeFile } from 'node:fs/promises';
import { ASSESSMENT_DOCUMENT_FORMATS, buildAssessment, loadAssessmentInput, negotiateAssessmentFormat, renderAssessmentDocument } from '#assessment';
import { isCalendarDate, isVersionLabel } from '#domain';
import type { CliCommand } from '../cli-command.js';

const DEFAULT_ROADMAP = 'scoran-centre-val-de-loire';
const BINARY = new Set(['odt', 'docx', 'pdf']);

function option(args: string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k === -1 ? undefined : args[k + 1];
}

/** Prints a version's assessment on stdout, or writes it to a file (ODT, DOCX and PDF are bytes, not text). */
export const assessmentCommand: CliCommand = {
  name: 'assessment',
  summary: 'print the assessment of a roadmap version, or write it as a document',
  usage: `assessment <version> [--format ${ASSESSMENT_DOCUMENT_FORMATS.join('|')}] [--output file] [--until YYYY-MM-DD] [--roadmap ${DEFAULT_ROADMAP}]`,
  async run(ctx, args) {
    const version = args[0];
    const format = negotiateAssessmentFormat(option(args, '--format') ?? 'md', undefined);
    const output = option(args, '--output');
    const until = option(args, '--until') ?? null;
    const roadmapId = option(args, '--roadmap') ?? DEFAULT_ROADMAP;
    if (!isVersionLabel(version)) { process.stderr.write(`usage: ${this.usage}\n`); return 2; }
    if (format === null) { process.stderr.write(`--format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}\n`); return 2; }
    if (until !== null && !isCalendarDate(until)) { process.stderr.write('--until must be a calendar date (YYYY-MM-DD)\n'); return 2; }
    if (!output && BINARY.has(format) && process.stdout.isTTY) { process.stderr.write(`--format ${format} writes bytes: give --output file, or redirect stdout\n`); return 2; }
    await ctx.catchUp();
    const doc = await renderAssessmentDocument(buildAssessment(loadAssessmentInput(ctx.queries, roadmapId, version, until)), format);
    if (output) {
      await writeFile(output, doc.body);
      process.stderr.write(`assessment ${version} written to ${output} (${doc.contentType}, ${doc.body.length} bytes)\n`);
    } else {
      await new Promise<void>((resolve, reject) => process.stdout.write(doc.body, (err) => (err ? reject(err) : resolve())));
    }
    return 0;
  },
};
