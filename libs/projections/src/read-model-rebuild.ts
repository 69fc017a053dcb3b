import type { EventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { openFreshReadModelDb } from './read-model-db.js';

export interface RebuildResult {
  events: number;
  position: number;
  /**
   * Where the time went (ms): reading and parsing the log, each projection's apply, the rest of each
   * batch's transaction (checkpoints, commit), and the end of the bulk load (index builds, deferred updates).
   */
  timings: { readMs: number; applyMs: Record<string, number>; transactionMs: number; endBulkMs: number };
}

/** The projection with its `apply` timed into `sink` (the projection itself is left untouched). */
function timed(p: Projection, sink: Record<string, number>): Projection {
  // Every method runs with the wrapper as `this`, so state set up by setup() is the state apply() sees.
  const wrapper = Object.create(p) as Projection;
  const apply = p.apply;
  sink[p.name] = 0;
  wrapper.apply = (db, events) => {
    const t0 = performance.now();
    try {
      apply.call(wrapper, db, events);
    } finally {
      sink[p.name]! += performance.now() - t0;
    }
  };
  return wrapper;
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
  const applyMs: Record<string, number> = {};
  let readMs = 0;
  let batchMs = 0;
  try {
    const runner = new ProjectionRunner(db, allProjections().map((p) => timed(p, applyMs)), undefined, { bulk: true });
    let position = 0;
    let events = 0;
    for (;;) {
      const t0 = performance.now();
      const batch = await store.readAll({ fromPosition: position, limit: options.batchSize ?? 20_000 });
      const t1 = performance.now();
      readMs += t1 - t0;
      if (batch.length === 0) break;
      runner.applyBatch(batch);
      batchMs += performance.now() - t1;
      events += batch.length;
      position = batch[batch.length - 1]!.position;
      options.onProgress?.(position);
    }
    const t2 = performance.now();
    runner.endBulk();
    db.pragma('journal_mode = WAL');
    const endBulkMs = performance.now() - t2;
    const applied = Object.values(applyMs).reduce((a, b) => a + b, 0);
    return { events, position, timings: { readMs, applyMs, transactionMs: batchMs - applied, endBulkMs } };
  } finally {
    db.close();
  }
}
