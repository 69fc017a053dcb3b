import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { SqliteSnapshotStore, type SerializedSnapshot } from '#application';
import { HashChainer, HashChainStore } from '#audit';
import { upcastDomainEvent } from '#domain';
import { SqliteEventStore } from '#event-store';
import { allProjections } from './all-projections.js';
import { ProjectionRunner } from './projection-runner.js';
import { closeReadModelDb, openReadModelWriter } from './read-model-db.js';

/**
 * Page cache of the worker's read-model connection when the host gives none (libs/config:
 * READ_MODEL_WRITE_CACHE_MB; see QUERY_CACHE_MB in worker-projection-host.ts). The writer's hot pages
 * (the right edges of the tables, a leaf per series, the sheets' documents) fit in it: under the
 * report load 8 MB gave the same reports per second as 32 MB, and a write-load peak 26 MB lower.
 */
const WORKER_WRITE_CACHE_MB = 8;

/** What the worker is given: where the log and the read models are. */
export interface ProjectionWorkerInput {
  kind: 'scoran-projection-worker';
  eventsPath: string;
  readModelsPath: string;
  pollIntervalMs?: number;
  /** When given, the audit hash chain is also extended here, from the same log. */
  hashChainPath?: string;
  /** Sheet documents kept parsed between batches (SHEET_DOCUMENTS_KEPT). */
  sheetDocumentsKept?: number;
  /** SQLite's page cache of the worker's connections to the log and the audit chain, in MB (libs/config: SQLITE_CACHE_MB). */
  storeCacheMb?: number;
  /** SQLite's page cache of the worker's read-model connection, in MB (libs/config: READ_MODEL_WRITE_CACHE_MB); WORKER_WRITE_CACHE_MB when not given. */
  writeCacheMb?: number;
  /** The write side's snapshot file: snapshots serialised on the request thread are written here. */
  snapshotsPath?: string;
}

export type ToProjectionWorker = { type: 'start' } | { type: 'appended' } | { type: 'snapshot'; snapshot: SerializedSnapshot } | { type: 'stop' };
export type FromProjectionWorker =
  /** `writeCacheKib`: the page cache its read-model connection was given, as SQLite reads it back. */
  | { type: 'ready'; position: number; writeCacheKib: number }
  | { type: 'applied'; position: number }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'log'; level: 'info' | 'error'; message: string }
  | { type: 'stopped' };

/**
 * The body of the projection worker thread: its own connection to the event store (to read the log)
 * and to the read models (to write them), the same ProjectionRunner as on the main thread, and
 * messages both ways: `appended` wakes its subscription, `applied` reports each checkpoint.
 */
async function runWorker(input: ProjectionWorkerInput): Promise<void> {
  const port = parentPort!;
  const post = (message: FromProjectionWorker) => port.postMessage(message);
  let store: SqliteEventStore | undefined;
  let runner: ProjectionRunner | undefined;
  let chain: HashChainStore | undefined;
  try {
    // The worker reads the log itself: with the same upcaster as the tracker's store.
    store = new SqliteEventStore({ path: input.eventsPath, pollIntervalMs: input.pollIntervalMs, upcast: upcastDomainEvent, cacheMb: input.storeCacheMb });
    const db = openReadModelWriter(input.readModelsPath, {
      cacheMb: input.writeCacheMb ?? WORKER_WRITE_CACHE_MB,
      onDiscarded: (path, wroteUnder) => post({ type: 'log', level: 'info', message: `the read models (${path}) had writes not yet on disk when the system stopped (boot ${wroteUnder}): rebuilding them from the log` }),
    });
    runner = new ProjectionRunner(db, allProjections({ sheetDocumentsKept: input.sheetDocumentsKept }), undefined, {
      onApplied: (position) => post({ type: 'applied', position }),
      onFailed: (error) => post({ type: 'failed', message: error.message, stack: error.stack }),
    });
    chain = input.hashChainPath ? new HashChainStore(input.hashChainPath, { cacheMb: input.storeCacheMb }) : undefined;
    const chainer = chain ? new HashChainer(store, chain, input.pollIntervalMs) : undefined;
    // Opened on the first snapshot handed over.
    let snapshots: SqliteSnapshotStore | undefined;
    const started = { store, runner, db, chain, chainer };
    port.on('message', (message: ToProjectionWorker) => {
      switch (message.type) {
        case 'start':
          started.runner.start(started.store);
          if (started.chainer) {
            const chainer = started.chainer;
            void chainer.catchUp().then((added) => {
              if (added > 0) post({ type: 'log', level: 'info', message: `chained ${added} events written while the application was stopped` });
              chainer.start((error) => post({ type: 'log', level: 'error', message: `hash chain stopped: ${error instanceof Error ? error.message : String(error)}` }));
            }, (error: unknown) => post({ type: 'log', level: 'error', message: `hash chain stopped: ${error instanceof Error ? error.message : String(error)}` }));
          }
          break;
        case 'appended':
          started.store.notifyAppended();
          break;
        case 'snapshot':
          try {
            snapshots ??= new SqliteSnapshotStore(input.snapshotsPath!, { cacheMb: input.storeCacheMb });
            snapshots.write(message.snapshot);
          } catch (error) {
            // A snapshot is an optimisation: one not written costs a longer fold, never a wrong state.
            post({ type: 'log', level: 'error', message: `snapshot of ${message.snapshot.stream} not written: ${error instanceof Error ? error.message : String(error)}` });
          }
          break;
        case 'stop':
          void (async () => {
            await started.runner.stop();
            await started.chainer?.stop();
            started.chain?.close();
            snapshots?.close();
            await started.store.close();
            closeReadModelDb(started.db);
            post({ type: 'stopped' });
            port.close();
          })();
          break;
      }
    });
    post({ type: 'ready', position: runner.checkpoint, writeCacheKib: -Number(db.pragma('cache_size', { simple: true })) });
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    post({ type: 'failed', message: e.message, stack: e.stack });
    chain?.close();
    await store?.close().catch(() => undefined);
    port.close();
  }
}

if (!isMainThread && (workerData as ProjectionWorkerInput | undefined)?.kind === 'scoran-projection-worker') {
  void runWorker(workerData as ProjectionWorkerInput);
}
