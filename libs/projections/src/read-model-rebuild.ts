import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { SqliteEventStore, type EventStore, type FoldedLogEvent, type LoggedEvent } from '#event-store';
import { allProjections } from './all-projections.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';
import { openFreshReadModelDb } from './read-model-db.js';
import type { FromRebuildWorker, RebuildWorkerInput } from './rebuild-worker.js';
import { SERIES_TABLES } from './sheets/indicator-series.tables.js';
import { youngGenerationLimits } from './worker-limits.js';

/** Where the time of one thread's replay went (ms). */
export interface ReplayTimings {
  /** Reading and parsing the log. */
  readMs: number;
  /** Each projection's apply. */
  applyMs: Record<string, number>;
  /** The rest of each batch's transaction: checkpoints, commit. */
  transactionMs: number;
  /** The end of the bulk load: index builds, deferred updates. */
  endBulkMs: number;
}

/** What one replay did: the events it applied, the position it stopped at, and where its time went. */
export interface Replayed { events: number; position: number; timings: ReplayTimings }

export interface RebuildResult {
  events: number;
  position: number;
  /**
   * Where the time went (ms): on two threads, the documents' thread, with the series' thread as
   * `secondThread` and the copy of the documents' tables into the series' file as `mergeMs`; on one
   * thread, the calling thread's.
   */
  timings: ReplayTimings & { secondThread?: ReplayTimings; mergeMs?: number };
}

/** The projection with its `apply` timed into `sink` (the projection itself is left untouched). */
function timed<E extends FoldedLogEvent>(p: Projection<E>, sink: Record<string, number>): Projection<E> {
  // Every method runs with the wrapper as `this`, so state set up by setup() is the state apply() sees.
  const wrapper = Object.create(p) as Projection<E>;
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
 * Events per batch of a rebuild. With both threads busy, V8's garbage-collector threads take CPU from
 * them: batches of 20 000 events outlive the young generation and fill the old one (collector threads
 * ~4 s of CPU over the bench's million events), batches of 4 000 mostly die young (~1.6 s), for the
 * same work on the two threads.
 */
const REBUILD_BATCH = 4_000;

/**
 * The page cache (KiB) of a bulk replay's connection while it builds its indexes, with the sorter's
 * runs in temporary files. SQLite's sorter keeps every key in memory and sorts them at once when
 * temporary storage is in memory; spilling to files, it sorts runs as large as the page cache and
 * merges them. In runs of 2 MB the 1.1 million keys of the report rows' unique index sorted in
 * 0.6 s of CPU instead of 1.3–1.45 s (the files stay in the operating system's cache; the tables
 * are scanned from it either way, since they outgrow the page cache).
 */
const INDEX_BUILD_CACHE_KIB = 2048;

/** The memory map of the documents' file while its tables are copied (larger files are read through the page cache beyond it). */
const DOCUMENTS_MMAP_BYTES = 1 << 30;

/** Up to `limit` events after position `after`, in position order. */
export type ReplayRead<E> = (after: number, limit: number) => Promise<readonly E[]>;

/**
 * Replays the log up to `head` into `db` (a fresh file from openFreshReadModelDb), in bulk: tables
 * first, secondary indexes once at the end. Used by both threads of a rebuild, each with the read
 * that gives its projections what they use.
 */
export async function replayInto<E extends FoldedLogEvent>(
  db: Database,
  read: ReplayRead<E>,
  projections: readonly Projection<E>[],
  options: { head: number; batchSize?: number; onProgress?: (position: number) => void },
): Promise<Replayed> {
  const applyMs: Record<string, number> = {};
  let readMs = 0;
  let batchMs = 0;
  const runner = new ProjectionRunner<E>(db, projections.map((p) => timed(p, applyMs)), undefined, { bulk: true });
  let position = 0;
  let events = 0;
  while (position < options.head) {
    const t0 = performance.now();
    let batch = await read(position, options.batchSize ?? REBUILD_BATCH);
    const t1 = performance.now();
    readMs += t1 - t0;
    if (batch.length === 0) break;
    // Both threads of a rebuild stop at the same event, whatever is appended meanwhile.
    if (batch[batch.length - 1]!.position > options.head) batch = batch.filter((e) => e.position <= options.head);
    runner.applyBatch(batch);
    batchMs += performance.now() - t1;
    events += batch.length;
    position = batch[batch.length - 1]!.position;
    options.onProgress?.(position);
  }
  const t2 = performance.now();
  db.pragma('temp_store = FILE');
  db.pragma(`cache_size = -${INDEX_BUILD_CACHE_KIB}`);
  runner.endBulk();
  const endBulkMs = performance.now() - t2;
  const applied = Object.values(applyMs).reduce((a, b) => a + b, 0);
  return { events, position, timings: { readMs, applyMs, transactionMs: batchMs - applied, endBulkMs } };
}

/** The worker script: next to this module once compiled; from the TypeScript sources (the tests), the compiled one in dist/. */
const REBUILD_WORKER_URL = import.meta.url.endsWith('.ts')
  ? new URL('../../../dist/libs/projections/src/rebuild-worker.js', import.meta.url)
  : new URL('./rebuild-worker.js', import.meta.url);

const rebuildWorkerAvailable = () => REBUILD_WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(REBUILD_WORKER_URL));

/**
 * The young generation of a rebuild's worker threads (MB), larger than V8's default: their read and
 * parse of the log makes short-lived objects for every event, and with more room fewer of them are
 * scavenged while still alive. Over six alternated pairs the series' read and parse took 2.7–2.9 s
 * instead of 3.0–3.6 s (process CPU 14.9–15.9 s against 15.2–16.8); on the calling thread, with
 * V8's default, the garbage collector took 13 % of the documents' replay, against 4.5 % on the
 * worker. Only on those threads, and only for the time of a rebuild.
 */
const REBUILD_WORKER_YOUNG_GENERATION_MB = 96;

/** One part of the read models replayed on a worker thread into `input.path`. */
function replayOnWorker(
  input: RebuildWorkerInput,
  onProgress?: (position: number) => void,
): { done: Promise<Replayed>; stop: () => Promise<void> } {
  const worker = new Worker(REBUILD_WORKER_URL, { workerData: input, resourceLimits: youngGenerationLimits(REBUILD_WORKER_YOUNG_GENERATION_MB) });
  const done = new Promise<Replayed>((resolve, reject) => {
    worker.on('message', (message: FromRebuildWorker) => {
      if (message.type === 'progress') onProgress?.(message.position);
      else if (message.type === 'done') resolve(message);
      else reject(Object.assign(new Error(`rebuild of the ${input.part} failed: ${message.message}`), { stack: message.stack }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the rebuild worker of the ${input.part} exited (code ${code}) before it was done`)));
  });
  // Rejections are read by the caller's await; until then, none is left unhandled.
  done.catch(() => undefined);
  return { done, stop: async () => void (await worker.terminate()) };
}

/**
 * Replays the whole log into a new read-model file at `path` (which must not exist): tables first,
 * secondary indexes once at the end, no journal while loading. The caller switches the file in.
 *
 * With a SQLite log and the compiled worker script at hand (and `threads` left at 2), the work is
 * split over two worker threads, each reading the log itself: the report and correction rows of the
 * series (about half of the work: a row of 20 values per report and five indexes over the series)
 * are written into `path` itself, the other read models into a file of their own; once both are
 * done, those tables are copied into empty tables of the same definition in `path`, with their
 * indexes (SQLite's transfer, record by record and index entry by index entry, without re-sorting).
 * The copy goes that way because it is the smaller of the two. Both threads stop at the log's head
 * as it was when the rebuild began. Otherwise the calling thread replays everything into `path`.
 */
export async function rebuildReadModels(
  store: EventStore,
  path: string,
  options: { batchSize?: number; onProgress?: (position: number) => void; threads?: 1 | 2 } = {},
): Promise<RebuildResult> {
  const head = await store.headPosition();
  const split = (options.threads ?? 2) === 2 && store.sqlitePath !== undefined && head > 0 && rebuildWorkerAvailable();
  if (!split) {
    const db = openFreshReadModelDb(path);
    try {
      const read: ReplayRead<LoggedEvent> = store instanceof SqliteEventStore
        ? (after, limit) => store.readAllLogged(after, limit)
        : (after, limit) => store.readAll({ fromPosition: after, limit });
      const here = await replayInto(db, read, allProjections(), { head, batchSize: options.batchSize, onProgress: options.onProgress });
      db.pragma('journal_mode = WAL');
      return here;
    } finally {
      db.close();
    }
  }
  const documentsPath = `${path}.documents`;
  const removeDocuments = () => rmSync(documentsPath, { force: true });
  removeDocuments();
  const common = { kind: 'scoran-rebuild-worker', eventsPath: store.sqlitePath!, head, batchSize: options.batchSize } as const;
  const series = replayOnWorker({ ...common, part: 'series', path });
  const documents = replayOnWorker({ ...common, part: 'documents', path: documentsPath }, options.onProgress);
  let db: Database | null = null;
  try {
    const [here, there] = await Promise.all([documents.done, series.done]);
    const t0 = performance.now();
    // The series' file, which its worker has closed: the other read models' tables are created there
    // empty, with their indexes, then filled from the documents' file.
    db = openFreshReadModelDb(path);
    for (const p of allProjections({ sheets: 'documents' })) p.setup(db);
    db.prepare('ATTACH DATABASE ? AS documents').run(documentsPath);
    // Read through a memory map: the pages are copied once, not read into the page cache first
    // (0.42–0.46 s instead of 0.48–0.62 s for the bench's 177 MB of documents and feed).
    db.pragma(`documents.mmap_size = ${DOCUMENTS_MMAP_BYTES}`);
    const tables = db.prepare(`SELECT name FROM documents.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
      AND name NOT IN (${SERIES_TABLES.map(() => '?').join(', ')}, 'projection_checkpoints')`).pluck().all(...SERIES_TABLES) as string[];
    // Into the empty tables (with the same indexes): SQLite copies the records and index entries as they are.
    for (const table of tables) db.exec(`INSERT INTO main.${table} SELECT * FROM documents.${table}`);
    // Every projection's checkpoint as the documents' thread wrote it (the series' is the same position).
    db.exec('INSERT OR REPLACE INTO main.projection_checkpoints SELECT * FROM documents.projection_checkpoints');
    db.exec('DETACH DATABASE documents');
    db.pragma('journal_mode = WAL');
    return { events: here.events, position: here.position, timings: { ...here.timings, secondThread: there.timings, mergeMs: performance.now() - t0 } };
  } finally {
    await Promise.all([series.stop(), documents.stop()]);
    db?.close();
    removeDocuments();
  }
}
