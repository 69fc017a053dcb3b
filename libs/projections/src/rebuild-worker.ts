import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { upcastDomainEvent } from '#domain';
import { SqliteEventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import { openFreshReadModelDb } from './read-model-db.js';
import { replayInto, type Replayed } from './read-model-rebuild.js';
import { SheetsProjection } from './sheets/sheets.projection.js';

/**
 * What a rebuild's worker thread is given: the log, the file to write, its part of the read models
 * and where to stop. `series`: the report and correction rows of the sheets projection (see
 * SheetsPart); `documents`: every other read model.
 */
export interface RebuildWorkerInput {
  kind: 'scoran-rebuild-worker';
  part: 'series' | 'documents';
  eventsPath: string;
  /** A fresh file for this part's tables. */
  path: string;
  head: number;
  batchSize?: number;
}

export type FromRebuildWorker =
  | { type: 'progress'; position: number }
  | ({ type: 'done' } & Replayed)
  | { type: 'failed'; message: string; stack?: string };

/** The body of a rebuild's worker thread: its part of the read models, from its own reading of the log. */
async function runRebuildWorker(input: RebuildWorkerInput): Promise<void> {
  const port = parentPort!;
  const post = (message: FromRebuildWorker) => port.postMessage(message);
  // A store of the worker's own that upcasts as it parses: the runner's upcast then finds each event current and copies none.
  const store = new SqliteEventStore({ path: input.eventsPath, upcast: upcastDomainEvent });
  const db = openFreshReadModelDb(input.path);
  try {
    const replayed = input.part === 'series'
      // The series rows need of each event only what a fold reads: no id, no metadata but its record time and version.
      ? await replayInto(db, (after, limit) => store.readAllFolded(after, input.head, limit), [new SheetsProjection('series')], { head: input.head, batchSize: input.batchSize })
      // The other read models read the actor too (LoggedEvent), and neither the ids nor the rest of the metadata.
      : await replayInto(db, (after, limit) => store.readAllLogged(after, limit), allProjections({ sheets: 'documents' }), {
        head: input.head,
        batchSize: input.batchSize,
        onProgress: (position) => post({ type: 'progress', position }),
      });
    db.close();
    post({ type: 'done', ...replayed });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    if (db.open) db.close();
    post({ type: 'failed', message: e.message, stack: e.stack });
  } finally {
    await store.close();
    port.close();
  }
}

if (!isMainThread && (workerData as RebuildWorkerInput | undefined)?.kind === 'scoran-rebuild-worker') {
  void runRebuildWorker(workerData as RebuildWorkerInput);
}
