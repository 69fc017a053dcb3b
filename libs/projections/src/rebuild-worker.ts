import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { upcastDomainEvent } from '#domain';
import { SqliteEventStore } from '#event-store';
import { openFreshReadModelDb } from './read-model-db.js';
import { replayInto, type ReplayTimings } from './read-model-rebuild.js';
import { SheetsProjection } from './sheets/sheets.projection.js';

/** What the rebuild's worker thread is given: the log, the file to write, and where to stop. */
export interface RebuildWorkerInput {
  kind: 'scoran-rebuild-worker';
  eventsPath: string;
  /** A fresh file for the series tables (see SheetsPart). */
  path: string;
  head: number;
  batchSize?: number;
}

export type FromRebuildWorker = { type: 'done'; timings: ReplayTimings } | { type: 'failed'; message: string; stack?: string };

/** The body of the rebuild's worker thread: the series part of the sheets projection, from its own reading of the log. */
async function runRebuildWorker(input: RebuildWorkerInput): Promise<void> {
  const port = parentPort!;
  const post = (message: FromRebuildWorker) => port.postMessage(message);
  const store = new SqliteEventStore({ path: input.eventsPath, upcast: upcastDomainEvent });
  const db = openFreshReadModelDb(input.path);
  try {
    // The series rows need of each event only what a fold reads: no id, no metadata but its record time and version.
    const read = (after: number, limit: number) => store.readAllFolded(after, input.head, limit);
    const { timings } = await replayInto(db, read, [new SheetsProjection('series')], { head: input.head, batchSize: input.batchSize });
    db.close();
    post({ type: 'done', timings });
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
