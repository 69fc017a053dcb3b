import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { exportNdjson } from '#audit';
import { progress, type CliCommand } from '../cli-command.js';

/** Writes the whole log as NDJSON to a file, or to stdout. */
export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'write the whole event log as NDJSON (one envelope per line)',
  usage: 'export [file]   (stdout when no file is given)',
  async run(ctx, args) {
    const [file] = args;
    const out = file ? createWriteStream(file) : process.stdout;
    const bar = progress('export', await ctx.store.headPosition());
    let events = 0;
    for await (const line of exportNdjson(ctx.store)) {
      if (!out.write(line)) await once(out, 'drain');
      events += 1;
      if (events % 1000 === 0) bar.tick(events);
    }
    bar.end();
    if (file) {
      out.end();
      await once(out, 'finish');
    }
    process.stderr.write(`exported ${events} events${file ? ` to ${file}` : ''}\n`);
    return 0;
  },
};
