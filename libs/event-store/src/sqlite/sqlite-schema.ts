import Database from 'better-sqlite3';

/** A connection's page cache, in MB; left at SQLite's build default (better-sqlite3's: 16 MB) when not given. */
export function setPageCacheMb(db: Database.Database, cacheMb: number | undefined): void {
  if (cacheMb !== undefined) db.pragma(`cache_size = -${Math.round(cacheMb * 1024)}`);
}

/**
 * Puts a file shared between processes in WAL mode. Two processes opening a new file at the same
 * moment (nodes starting together on one store) contend for the lock that the change takes, and
 * SQLite answers SQLITE_BUSY at once there, without waiting through the busy timeout: the change is
 * tried again, a few milliseconds apart, until `timeoutMs` has passed.
 */
export function enableWal(db: Database.Database, timeoutMs = 5000): void {
  const deadline = Date.now() + timeoutMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waitMs = 5; ; waitMs = Math.min(waitMs * 2, 100)) {
    try {
      // An in-memory database keeps its own journal ("memory"), as SQLite answers.
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw error;
    }
    Atomics.wait(pause, 0, 0, waitMs);
  }
}

/**
 * Opens the events file and creates its table. `synchronous = NORMAL`: SQLite itself then syncs only
 * around checkpoints, and the store fsyncs the WAL before it acknowledges an append (sqlite-wal-sync.ts),
 * off the calling thread. `cacheMb`: the connection's page cache (SQLite's build default otherwise).
 */
export function openEventsDatabase(path: string, busyTimeoutMs = 5000, cacheMb?: number): Database.Database {
  const db = new Database(path);
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  enableWal(db, busyTimeoutMs);
  db.pragma('synchronous = NORMAL');
  setPageCacheMb(db, cacheMb);
  // AUTOINCREMENT: a position once handed out is never reused, even if the tail were removed by hand,
  // so a consumer's checkpoint can never point past a different event.
  db.exec(`
    CREATE TABLE IF NOT EXISTS events (
      position    INTEGER PRIMARY KEY AUTOINCREMENT,
      id          TEXT    NOT NULL UNIQUE,
      stream      TEXT    NOT NULL,
      revision    INTEGER NOT NULL,
      type        TEXT    NOT NULL,
      data        TEXT    NOT NULL,
      metadata    TEXT    NOT NULL,
      recorded_at TEXT    NOT NULL,
      UNIQUE (stream, revision)
    );
  `);
  return db;
}

/** The journal mode and synchronous level this connection runs with, as SQLite reports them. */
export function journalSettings(db: Database.Database): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra' } {
  const journalMode = db.pragma('journal_mode', { simple: true }) as string;
  const level = db.pragma('synchronous', { simple: true }) as number;
  return { journalMode, synchronous: (['off', 'normal', 'full', 'extra'] as const)[level] ?? 'off' };
}
