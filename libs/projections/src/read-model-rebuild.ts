import type { EventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';
import { openFreshReadModelDb } from './read-model-db.js';

export interface RebuildResult {
  events: number;
  position: number;
}

/**
 * Replays the whole log into a new read-model file at `path` (which must not exist): tables first,
 * secondary indexes once at the end, no journal while loading. The caller switches the file in.
 */
export async function rebuildReadModels(
  store: EventStore,
  path: string,
  options: { batchSize?: number; onProgress?: (position: number) => void } = {},
): Promise<RebuildResult> {
  const db = openFreshReadModelDb(path);
  try {
    const runner = new ProjectionRunner(db, allProjections(), undefined, { bulk: true });
    let position = 0;
    let events = 0;
    for (;;) {
      const batch = await store.readAll({ fromPosition: position, limit: options.batchSize ?? 20_000 });
      if (batch.length === 0) break;
      runner.applyBatch(batch);
      events += batch.length;
      position = batch[batch.length - 1]!.position;
      options.onProgress?.(position);
    }
    runner.endBulk();
    db.pragma('journal_mode = WAL');
    return { events, position };
  } finally {
    db.close();
  }
}
