import { seedRoadmap } from '../../../../libs/seed/src/index.js';
import type { CliCommand } from '../cli-command.js';

export const seedCommand: CliCommand = {
  name: 'seed',
  summary: 'load the SCORAN Centre-Val de Loire roadmap from seeds/ (a second run writes nothing)',
  usage: 'seed [seed-dir]',
  async run(ctx, args) {
    const started = Date.now();
    const result = await seedRoadmap(ctx.commands, { dir: args[0] });
    await ctx.catchUp();
    process.stderr.write(`seed: ${result.commands} commands, ${result.written} events written, ${result.skipped} already there (${Date.now() - started} ms)\n`);
  },
};
