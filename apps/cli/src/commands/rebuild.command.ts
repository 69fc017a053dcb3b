import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { openReadModelDb, rebuildReadModels } from '#projections';
import { progress, type CliCommand } from '../cli-command.js';

/**
 * Rebuilds every read model from the log into a fresh file, then switches it in place of the old one
 * (blue/green): readers of the old file are never shown a half-built model.
 */
export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'replay the whole log into fresh read models, then switch them in',
  async run(ctx) {
    const target = join(ctx.config.dataDir, 'read-models.sqlite');
    const fresh = `${target}.rebuild-${Date.now()}`;
    const head = await ctx.store.headPosition();
    const bar = progress('rebuild', head);
    const started = Date.now();
    const { position: from } = await rebuildReadModels(ctx.store, fresh, { onProgress: (position) => bar.tick(position) });
    bar.end();
    ctx.readDb.close();
    const { renameSync } = await import('node:fs');
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    renameSync(fresh, target);
    for (const suffix of ['-wal', '-shm']) rmSync(`${fresh}${suffix}`, { force: true });
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`rebuilt ${from} events in ${seconds.toFixed(2)} s\n`);
    ctx.readDb = openReadModelDb(target);
  },
};
