import { seedRoadmap } from '#seed';
import { progress, type CliCommand } from '../cli-command.js';

export const seedCommand: CliCommand = {
  name: 'seed',
  summary: 'load the SCORAN Centre-Val de Loire roadmap from seeds/ (a second run writes nothing)',
  usage: 'seed [seed-dir]',
  async run(ctx, args) {
    const started = Date.now();
    let bar: ReturnType<typeof progress> | undefined;
    const result = await seedRoadmap(ctx.commands, { dir: args[0], onProgress: (done, total) => (bar ??= progress('seed (V4 sheets)', total)).tick(done) });
    bar?.end();
    await ctx.catchUp();
    process.stderr.write(`seed: ${result.commands} commands, ${result.written} events written, ${result.skipped} already there (${Date.now() - started} ms)\n`);
  },
};
