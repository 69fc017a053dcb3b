import 'reflect-metadata';
import { ConfigError, loadConfig } from '#config';
import type { CliCommand } from './cli-command.js';
import { assessmentCommand } from './commands/assessment.command.js';
import { exportCommand } from './commands/export.command.js';
import { importCommand } from './commands/import.command.js';
import { importReportsCommand } from './commands/import-reports.command.js';
import { rebuildCommand } from './commands/rebuild.command.js';
import { verifyCommand } from './commands/verify.command.js';
import { seedCommand } from './commands/seed.command.js';
import { openTracker } from '#tracker';

const commands: CliCommand[] = [seedCommand, rebuildCommand, exportCommand, importCommand, importReportsCommand, verifyCommand, assessmentCommand];

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`usage: npm run cli -- <command> [args]\n\n${commands.map((c) => `  ${c.name.padEnd(14)} ${c.summary}${c.usage ? `\n  ${''.padEnd(14)} ${c.usage}` : ''}`).join('\n')}\n`);
    return name ? 2 : 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) { process.stderr.write(`${error.message}\n`); return 2; }
    throw error;
  }
  const ctx = await openTracker(config);
  try {
    return (await command.run(ctx, args)) ?? 0;
  } finally {
    await ctx.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => { process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`); process.exit(1); },
);
