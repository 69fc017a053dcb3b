import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database, Statement } from 'better-sqlite3';
import type { SerializedSnapshot } from '#application';
import { PositionWaiters, type EventStore } from '#event-store';
import { ProjectionHost, type ProjectionStatus } from './projection-host.js';
import type { FromProjectionWorker, ProjectionWorkerInput, ToProjectionWorker } from './projection-worker.js';
import { openReadModelDb } from './read-model-db.js';
import { youngGenerationLimits } from './worker-limits.js';

export interface WorkerProjectionHostOptions {
  /** The SQLite event store's file. */
  eventsPath: string;
  readModelsPath: string;
  /** How often the worker looks for writes it was not told about (other processes), in ms. */
  pollIntervalMs?: number;
  /** The audit hash chain's file: when given, the worker extends the chain too (off the request thread). */
  hashChainPath?: string;
  /** Where the worker's log lines go. */
  log?: (level: 'info' | 'error', message: string) => void;
  /** How long to wait for the worker to open its files and prepare the tables (a version change rebuilds there). */
  readyTimeoutMs?: number;
  /** SQLite's page cache of the query connection, in MB (libs/config: READ_MODEL_QUERY_CACHE_MB); QUERY_CACHE_MB when not given. */
  queryCacheMb?: number;
  /** Sheet documents the worker keeps parsed between batches (SHEET_DOCUMENTS_KEPT). */
  sheetDocumentsKept?: number;
  /** SQLite's page cache of the worker's connections to the log and the audit chain, in MB (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  storeCacheMb?: number;
  /** SQLite's page cache of the worker's read-model connection, in MB (libs/config: READ_MODEL_WRITE_CACHE_MB); 8 MB when not given. */
  writeCacheMb?: number;
  /** The write side's snapshot file: when given, the worker writes the snapshots handed to `offloadSnapshot`. */
  snapshotsPath?: string;
}

/**
 * The worker script: next to this module once compiled; from the TypeScript sources (the tests), the
 * compiled one in the repository's dist/, since a worker thread runs JavaScript only.
 */
const WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/libs/projections/src/projection-worker.js', import.meta.url)
  : new URL('./projection-worker.js', import.meta.url);

/**
 * Page caches of the two read-model connections when the projections run on the worker. Each fills
 * up to its size over time and stays resident: with 64 MB each, an assessment (index scans over a
 * version's reports) took the process from 190 to 250–270 MB; 16 MB for queries gave 206–217 MB at
 * the same point with the same asOf times. 4 MB (the configured default) takes another 10–20 MB off
 * the read scenarios' peak on the bench store with the same asOf and assessment times: the pages
 * come from the system's page cache, a copy each. The writer's connection has its own, 8 MB unless
 * configured (`writeCacheMb`; WORKER_WRITE_CACHE_MB in projection-worker.ts).
 */
const QUERY_CACHE_MB = 4;

/**
 * The projection worker's young generation, in MB (two 2 MB semi-spaces): it projects a commit's few
 * events at a time and keeps little alive, and the default (two 8 MB semi-spaces under the API's
 * `--max-semi-space-size=8`) held 16 MB for 9–13 MB of its heap in use. Under the report load on the
 * million events, alternated: RSS peak 187 / 188 → 180 / 178 MB, 5 647 / 5 405 → 5 835 / 5 573
 * reports/s. The price is on a replay from scratch (read models discarded): 1 027 180 events caught
 * up in 37.3–37.9 s instead of 32.5–33.2.
 */
const PROJECTION_WORKER_YOUNG_GENERATION_MB = 6;

/**
 * The projections on a worker thread of this process. The request thread appends and answers; the
 * worker reads what was appended (its own connection, woken by a message after each commit), applies
 * it to the read models and reports its checkpoint, which `waitFor` waits on (read-your-writes). The
 * read models' commits, the parsing of the log and the projections' code leave the request thread,
 * and a second core works for the API. Queries read the same file through `db`, a connection of
 * this thread; WAL lets them read while the worker writes.
 */
export class WorkerProjectionHost extends ProjectionHost {
  readonly thread = 'worker';
  private position: number;
  private failure: Error | null = null;
  private readonly waiters = new PositionWaiters();
  private readonly selectStatuses: Statement<[], { name: string; version: number; position: number }>;
  private unsubscribe: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  private exited = false;

  /** True when the compiled worker script is there (from TypeScript sources: once the project is built). */
  static available(): boolean {
    return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
  }

  /** Starts the worker and resolves once it has prepared the read models. */
  static async open(options: WorkerProjectionHostOptions): Promise<WorkerProjectionHost> {
    if (!WorkerProjectionHost.available()) {
      throw new Error(`the projection worker script is missing (${fileURLToPath(WORKER_URL)}): build the project, or run the projections on the main thread`);
    }
    const input: ProjectionWorkerInput = {
      kind: 'scoran-projection-worker', eventsPath: options.eventsPath, readModelsPath: options.readModelsPath, pollIntervalMs: options.pollIntervalMs,
      hashChainPath: options.hashChainPath, sheetDocumentsKept: options.sheetDocumentsKept, storeCacheMb: options.storeCacheMb,
      writeCacheMb: options.writeCacheMb, snapshotsPath: options.snapshotsPath,
    };
    const worker = new Worker(WORKER_URL, { workerData: input, resourceLimits: youngGenerationLimits(PROJECTION_WORKER_YOUNG_GENERATION_MB) });
    const ready = await new Promise<{ position: number; writeCacheKib: number }>((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`the projection worker was not ready within ${options.readyTimeoutMs ?? 600_000} ms`)), options.readyTimeoutMs ?? 600_000);
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', fail);
        worker.off('exit', onExit);
      };
      const fail = (error: Error) => {
        cleanup();
        void worker.terminate();
        reject(error);
      };
      const onMessage = (message: FromProjectionWorker) => {
        if (message.type === 'ready') {
          cleanup();
          resolve(message);
        } else if (message.type === 'failed') {
          fail(Object.assign(new Error(`projection worker: ${message.message}`), { stack: message.stack }));
        }
      };
      const onExit = (code: number) => fail(new Error(`the projection worker exited with code ${code} before it was ready`));
      worker.on('message', onMessage);
      worker.on('error', fail);
      worker.on('exit', onExit);
    });
    // Queries only on this connection; the worker's writes keep their own cache (see projection-worker.ts).
    const db = openReadModelDb(options.readModelsPath, { cacheMb: options.queryCacheMb ?? QUERY_CACHE_MB });
    return new WorkerProjectionHost(worker, db, ready.position, ready.writeCacheKib, options.hashChainPath !== undefined, options.snapshotsPath !== undefined, options.log);
  }

  private constructor(
    private readonly worker: Worker,
    readonly db: Database,
    position: number,
    /** The page cache of the worker's read-model connection (KiB), as the worker read it back from SQLite. */
    readonly writeCacheKib: number,
    /** Whether the worker also keeps the audit hash chain. */
    readonly chainsHashes: boolean,
    /** Whether the worker writes the write side's snapshots handed to it. */
    private readonly writesSnapshots: boolean,
    private readonly log: WorkerProjectionHostOptions['log'],
  ) {
    super();
    this.position = position;
    this.selectStatuses = db.prepare('SELECT name, version, position FROM projection_checkpoints ORDER BY rowid');
    worker.on('message', (message: FromProjectionWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => {
      this.exited = true;
      this.unsubscribe?.();
      if (this.stopping === undefined) this.fail(new Error(`the projection worker exited with code ${code}`));
    });
  }

  get checkpoint(): number {
    return this.position;
  }

  get error(): Error | null {
    return this.failure;
  }

  statuses(): ProjectionStatus[] {
    return this.selectStatuses.all().map((row) => ({ name: row.name, version: row.version, position: row.position }));
  }

  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return this.waiters.wait(position, timeoutMs, () => `read models did not reach position ${position} within ${timeoutMs} ms`);
  }

  start(store: EventStore): void {
    if (this.unsubscribe !== undefined || this.exited) return;
    // Appends through this process's store wake the worker at once; others are found by its poll.
    this.unsubscribe = store.onAppended?.(() => this.send({ type: 'appended' })) ?? (() => undefined);
    this.send({ type: 'start' });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unsubscribe?.();
      if (this.exited) return;
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      this.send({ type: 'stop' });
      const timer = setTimeout(() => void this.worker.terminate(), 10_000);
      await exited;
      clearTimeout(timer);
      this.waiters.rejectAll(new Error(`projections stopped at position ${this.position}`));
    })();
    return this.stopping;
  }

  /**
   * Hands a serialised snapshot to the worker, which writes it into the snapshot file (its bytes are
   * moved, not copied); false once the worker is stopping or failed: the caller writes it itself.
   */
  override offloadSnapshot(snapshot: SerializedSnapshot): boolean {
    if (!this.writesSnapshots || this.exited || this.stopping !== undefined || this.failure !== null) return false;
    const bytes = snapshot.state;
    // v8.serialize gives the bytes their own buffer: moved as it is; a view into a larger one is copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    const message: ToProjectionWorker = { type: 'snapshot', snapshot };
    this.worker.postMessage(message, own ? [bytes.buffer as ArrayBuffer] : []);
    return true;
  }

  private send(message: ToProjectionWorker): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  private onMessage(message: FromProjectionWorker): void {
    switch (message.type) {
      case 'applied':
        if (message.position > this.position) this.position = message.position;
        this.waiters.reached(this.position);
        break;
      case 'failed':
        this.fail(Object.assign(new Error(message.message), { stack: message.stack }));
        break;
      case 'log':
        this.log?.(message.level, message.message);
        break;
      default:
        break;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.waiters.rejectAll(error);
  }
}
