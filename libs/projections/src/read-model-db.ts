import Database from 'better-sqlite3';

/**
 * The read models' SQLite file. WAL with synchronous=NORMAL: a power cut may lose the last
 * transactions, never split one, and the checkpoint lives in the same transaction as the tables, so
 * the runner simply catches up from the store again.
 */
export function openReadModelDb(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
    name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, updated_at TEXT NOT NULL
  )`);
  return db;
}
