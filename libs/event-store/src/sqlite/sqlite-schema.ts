import Database from 'better-sqlite3';

/**
 * Opens the events file and creates its table. `synchronous = NORMAL`: SQLite itself then syncs only
 * around checkpoints, and the store fsyncs the WAL before it acknowledges an append (sqlite-wal-sync.ts),
 * off the calling thread. `cacheMb`: the connection's page cache (SQLite's build default otherwise).
 */
/** A connection's page cache, in MB; left at SQLite's build default (better-sqlite3's: 16 MB) when not given. */
export function setPageCacheMb(db: Database.Database, cacheMb: number | undefined): void {
  if (cacheMb !== undefined) db.pragma(`cache_size = -${Math.round(cacheMb * 1024)}`);
}

export function openEventsDatabase(path: string, busyTimeoutMs = 5000, cacheMb?: number): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
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
