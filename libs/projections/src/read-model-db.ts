import { closeSync, existsSync, fsyncSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { setPageCacheMb } from '#event-store';

/**
 * The read models' SQLite file. WAL with synchronous=NORMAL: a power cut may lose the last
 * transactions, never split one, and the checkpoint lives in the same transaction as the tables, so
 * the runner simply catches up from the store again. The connection that writes them where they can
 * be rebuilt from the log is openReadModelWriter's instead (no fsync at all).
 */
export function openReadModelDb(
  path: string,
  /** Page cache of this connection: 64 MB by default (one connection that both writes and serves queries). */
  options: { cacheMb?: number } = {},
): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  setPageCacheMb(db, options.cacheMb ?? 64);
  db.exec(CHECKPOINTS_DDL);
  return db;
}

/**
 * The kernel's id of the running boot (Linux: /proc/sys/kernel/random/boot_id), or null where the
 * system gives none. `bootIdPath` is for tests.
 */
export function currentBootId(bootIdPath = '/proc/sys/kernel/random/boot_id'): string | null {
  try {
    const id = readFileSync(bootIdPath, 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** The marker of a read-model file written without fsync: it holds the id of the boot that wrote it. */
export const unsyncedMarkerPath = (path: string): string => `${path}.unsynced`;

export interface ReadModelWriterOptions {
  cacheMb?: number;
  /**
   * False where the read models cannot be rebuilt from a log this process reads (a projector fed
   * from Kafka, whose topic offsets move on once applied): the connection then syncs as
   * openReadModelDb's does. True by default.
   */
  unsynced?: boolean;
  /** The running boot's id; `currentBootId()` when not given (null: every commit is synced as in openReadModelDb). */
  bootId?: string | null;
  /** Told when a file left unsynced by an earlier boot is discarded. */
  onDiscarded?: (path: string, wroteUnder: string) => void;
}

const writers = new WeakMap<Database.Database, { path: string; marker: string }>();

/**
 * The connection that writes the read models: as openReadModelDb, but its commits are not fsynced
 * (`synchronous = OFF`), which under the report load took the wait for the disk out of every
 * read-your-writes answer (+17 % reports per second on the bench). The read models are derived from
 * the log, so what this can lose is only ever rebuilt, never lost:
 * - a crash of the process loses nothing: every commit was handed to the system, which writes it;
 * - a crash of the system (power cut, kernel panic) may leave the file torn. Before the first
 *   unsynced write, a marker next to the file records the boot's id, synced; a clean close syncs
 *   the file and removes the marker. A marker of another boot therefore means the system went down
 *   while the file had unsynced writes: the file is discarded here, and the runner rebuilds it from
 *   the log (a projection with no checkpoint starts from position 0).
 * Where the system gives no boot id, the connection syncs as openReadModelDb's does.
 */
export function openReadModelWriter(path: string, options: ReadModelWriterOptions = {}): Database.Database {
  const boot = options.bootId === undefined ? currentBootId() : options.bootId;
  if (options.unsynced === false || boot === null || path === ':memory:' || path === '') return openReadModelDb(path, options);
  const marker = unsyncedMarkerPath(path);
  if (existsSync(marker)) {
    const wroteUnder = readFileSync(marker, 'utf8').trim();
    if (wroteUnder !== boot) {
      for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
      options.onDiscarded?.(path, wroteUnder);
    }
  }
  markUnsynced(path, boot);
  const db = openReadModelDb(path, options);
  db.pragma('synchronous = OFF');
  writers.set(db, { path, marker });
  return db;
}

/**
 * Closes a read-model connection. For a writer of openReadModelWriter: the file is first synced (a
 * checkpoint with `synchronous = FULL` writes the WAL into it, fsynced, and empties the WAL), then
 * the marker removed: the next start, under any boot, keeps the file.
 */
export function closeReadModelDb(db: Database.Database): void {
  if (!db.open) return;
  const writer = writers.get(db);
  if (writer === undefined) {
    db.close();
    return;
  }
  db.pragma('synchronous = FULL');
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  db.close();
  writers.delete(db);
  // A reader in the middle of a read kept the checkpoint from completing: the marker stays (the next
  // open under this boot keeps the file; under another, the file is rebuilt).
  if (result !== undefined && result.busy !== 0) return;
  rmSync(writer.marker, { force: true });
  syncDirectory(dirname(writer.path));
}

/**
 * Records, synced, that `path` is about to hold a file written without fsync (a rebuilt file switched
 * in by a rename): until its writer closes it cleanly, another boot discards it.
 */
export function markUnsynced(path: string, bootId: string | null = currentBootId()): void {
  if (bootId !== null) writeSynced(unsyncedMarkerPath(path), `${bootId}\n`);
}

function writeSynced(path: string, text: string): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(path));
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* a system where directories cannot be synced: the file's own fsync is what it offers */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const CHECKPOINTS_DDL = `CREATE TABLE IF NOT EXISTS projection_checkpoints (
  name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, updated_at TEXT NOT NULL
)`;

/**
 * A fresh read-model file for a rebuild: no journal and no fsync while it is written, since it is
 * switched in only once complete (a crash leaves a file that is simply discarded). `finish` turns it
 * into an ordinary WAL file.
 */
export function openFreshReadModelDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -131072');
  db.pragma('temp_store = MEMORY');
  db.exec(CHECKPOINTS_DDL);
  return db;
}
