import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { HashChainer, ImportError, importEnvelopes, parseNdjson, type ExportedEnvelope } from '#audit';
import { progress, type CliCommand } from '../cli-command.js';

async function readLines(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

/**
 * Replays an NDJSON export into an EMPTY store (ids, record times and metadata kept), then brings the
 * read models and the hash chain up to date.
 */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'replay an NDJSON export into an empty event store',
  usage: 'import <file>',
  async run(ctx, args) {
    const [file] = args;
    if (!file) {
      process.stderr.write('usage: import <file>\n');
      return 2;
    }
    let envelopes: ExportedEnvelope[];
    try {
      // Parsed and checked in full before the first append: a broken file writes nothing.
      envelopes = [...parseNdjson(await readLines(file))];
    } catch (error) {
      if (error instanceof ImportError) { process.stderr.write(`${file}: ${error.message}\n`); return 1; }
      throw error;
    }
    const started = Date.now();
    try {
      const bar = progress('import', envelopes.length);
      const report = await importEnvelopes(ctx.store, envelopes, (done) => bar.tick(done));
      bar.tick(envelopes.length);
      bar.end();
      await ctx.catchUp();
      await new HashChainer(ctx.store, ctx.hashChain).catchUp();
      process.stderr.write(`imported ${report.events} events in ${report.streams} streams in ${((Date.now() - started) / 1000).toFixed(2)} s`
        + `${report.positionsShifted ? ` (${report.positionsShifted} events got a new position: the export had gaps)` : ''}\n`);
      return 0;
    } catch (error) {
      if (error instanceof ImportError) { process.stderr.write(`${error.message}\n`); return 1; }
      throw error;
    }
  },
};
