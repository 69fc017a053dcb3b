import Database from 'better-sqlite3';
import { setPageCacheMb } from '#event-store';

/**
 * The read models' SQLite file. WAL with synchronous=NORMAL: a power cut may lose the last
 * transactions, never split one, and the checkpoint lives in the same transaction as the tables, so
 * the runner simply catches up from the store again.
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
