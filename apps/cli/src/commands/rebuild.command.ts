import { rebuildReadModels } from '#projections';
import { progress, type CliCommand } from '../cli-command.js';

/**
 * Rebuilds every read model from the log into a fresh file, then switches it in place of the old one
 * (blue/green): readers of the old file are never shown a half-built model.
 */
export const rebuildCommand: CliCommand = {
  name: 'rebuild',
  summary: 'replay the whole log into fresh read models, then switch them in',
  async run(ctx) {
    const fresh = `${ctx.files.readModels}.rebuild-${Date.now()}`;
    const head = await ctx.store.headPosition();
    const bar = progress('rebuild', head);
    const started = Date.now();
    const { position: from } = await rebuildReadModels(ctx.store, fresh, { onProgress: (position) => bar.tick(position) });
    bar.end();
    await ctx.switchReadModels(fresh);
    const seconds = (Date.now() - started) / 1000;
    process.stderr.write(`rebuilt ${from} events in ${seconds.toFixed(2)} s\n`);
  },
};
