import { ASSESSMENT_FORMATS, buildAssessment, loadAssessmentInput, renderAssessment, type AssessmentFormat } from '#assessment';
import { isCalendarDate, isVersionLabel } from '#domain';
import type { CliCommand } from '../cli-command.js';

const DEFAULT_ROADMAP = 'scoran-centre-val-de-loire';

function option(args: string[], name: string): string | undefined {
  const k = args.indexOf(name);
  return k === -1 ? undefined : args[k + 1];
}

/** Prints a version's assessment (json, md or html) on stdout. */
export const assessmentCommand: CliCommand = {
  name: 'assessment',
  summary: 'print the assessment of a roadmap version',
  usage: `assessment <version> [--format json|md|html] [--until YYYY-MM-DD] [--roadmap ${DEFAULT_ROADMAP}]`,
  async run(ctx, args) {
    const version = args[0];
    const format = (option(args, '--format') ?? 'md') as AssessmentFormat;
    const until = option(args, '--until') ?? null;
    const roadmapId = option(args, '--roadmap') ?? DEFAULT_ROADMAP;
    if (!isVersionLabel(version)) { process.stderr.write(`usage: ${this.usage}\n`); return 2; }
    if (!ASSESSMENT_FORMATS.includes(format)) { process.stderr.write(`--format must be one of ${ASSESSMENT_FORMATS.join(', ')}\n`); return 2; }
    if (until !== null && !isCalendarDate(until)) { process.stderr.write('--until must be a calendar date (YYYY-MM-DD)\n'); return 2; }
    await ctx.catchUp();
    process.stdout.write(renderAssessment(buildAssessment(loadAssessmentInput(ctx.queries, roadmapId, version, until)), format));
    return 0;
  },
};
