import { verifyChain } from '#audit';
import type { CliCommand } from '../cli-command.js';

/** Recomputes the hash chain; exit code 0 when intact, 3 when the log was tampered with. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check the event log against its hash chain; report the first tampered, removed or reordered event',
  usage: 'verify [--json]',
  async run(ctx, args) {
    const report = await verifyChain(ctx.store, ctx.hashChain);
    if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else if (report.ok) process.stdout.write(`intact: ${report.checked} events chained${report.unchained ? `, ${report.unchained} not chained yet` : ''}; head ${report.chainHead?.hash ?? '(empty)'}\n`);
    else process.stdout.write(`BROKEN at position ${report.problem!.position} (${report.problem!.kind}): ${report.problem!.message}\n`);
    return report.ok ? 0 : 3;
  },
};
