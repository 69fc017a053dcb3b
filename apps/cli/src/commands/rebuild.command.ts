import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { allProjections, openReadModelDb, ProjectionRunner } from '../../../../libs/projections/src/index.js';
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
    const db = openReadModelDb(fresh);
    const runner = new ProjectionRunner(db, allProjections());
    const head = await ctx.store.headPosition();
    const bar = progress('rebuild', head);
    const started = Date.now();
    let from = 0;
    for (;;) {
      const batch = await ctx.store.readAll({ fromPosition: from, limit: 5000 });
      if (batch.length === 0) break;
      runner.applyBatch(batch);
      from = batch[batch.length - 1]!.position;
      bar.tick(from);
    }
    bar.end();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
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
