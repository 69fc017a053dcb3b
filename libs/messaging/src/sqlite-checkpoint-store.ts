import Database from 'better-sqlite3';
import type { CheckpointStore } from './checkpoint-store.port.js';

export interface SqliteCheckpointStoreOptions {
  /** The database file (created when missing). It may be the event store's own file. */
  path: string;
  busyTimeoutMs?: number;
}

/** Checkpoints in the `relay_checkpoints` table; `synchronous = FULL` so a saved position survives a power cut. */
export class SqliteCheckpointStore implements CheckpointStore {
  private readonly db: Database.Database;
  private readonly selectPosition: Database.Statement<[string], { position: number }>;
  private readonly upsertPosition: Database.Statement<[string, number, string]>;

  constructor(options: SqliteCheckpointStoreOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    this.db.exec(`CREATE TABLE IF NOT EXISTS relay_checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL,
      updated_at TEXT NOT NULL
    )`);
    this.selectPosition = this.db.prepare('SELECT position FROM relay_checkpoints WHERE name = ?');
    this.upsertPosition = this.db.prepare(
      `INSERT INTO relay_checkpoints (name, position, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
    );
  }

  async load(name: string): Promise<number> {
    return this.selectPosition.get(name)?.position ?? 0;
  }

  async save(name: string, position: number): Promise<void> {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`Invalid checkpoint position ${position}`);
    this.upsertPosition.run(name, position, new Date().toISOString());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
