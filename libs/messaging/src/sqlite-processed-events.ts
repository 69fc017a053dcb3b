import Database from 'better-sqlite3';
import type { ProcessedEvents } from './processed-events.port.js';

export interface SqliteProcessedEventsOptions {
  /** A database file (created when missing), or an open handle shared with the handler's own tables. */
  path?: string;
  database?: Database.Database;
  busyTimeoutMs?: number;
}

/**
 * Processed event ids in the `processed_events` table. Given the handler's own database handle,
 * `recordSync` can run inside the handler's transaction, which makes "applied" and "recorded" one
 * atomic step: no window in which a crash leaves an applied event unrecorded.
 */
export class SqliteProcessedEvents implements ProcessedEvents {
  private readonly db: Database.Database;
  private readonly owned: boolean;
  private readonly insert: Database.Statement<[string, string, number, string]>;

  constructor(options: SqliteProcessedEventsOptions) {
    if (options.database !== undefined) {
      this.db = options.database;
      this.owned = false;
    } else if (options.path !== undefined) {
      this.db = new Database(options.path);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      this.owned = true;
    } else {
      throw new TypeError('SqliteProcessedEvents needs a path or a database');
    }
    this.db.exec(`CREATE TABLE IF NOT EXISTS processed_events (
      consumer TEXT NOT NULL,
      event_id TEXT NOT NULL,
      position INTEGER NOT NULL,
      processed_at TEXT NOT NULL,
      PRIMARY KEY (consumer, event_id)
    ) WITHOUT ROWID`);
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO processed_events (consumer, event_id, position, processed_at) VALUES (?, ?, ?, ?)',
    );
  }

  async seen(consumer: string, ids: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    // SQLite caps bound parameters; 500 per query stays far below every build's limit.
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = ids.slice(start, start + 500);
      const rows = this.db
        .prepare(`SELECT event_id FROM processed_events WHERE consumer = ? AND event_id IN (${chunk.map(() => '?').join(',')})`)
        .pluck()
        .all(consumer, ...chunk) as string[];
      for (const id of rows) found.add(id);
    }
    return found;
  }

  async record(consumer: string, events: ReadonlyArray<{ id: string; position: number }>): Promise<void> {
    this.db.transaction(() => this.recordSync(consumer, events))();
  }

  /** Synchronous form of `record`, to be called inside a transaction the caller opened on the same handle. */
  recordSync(consumer: string, events: ReadonlyArray<{ id: string; position: number }>): void {
    const now = new Date().toISOString();
    for (const event of events) this.insert.run(consumer, event.id, event.position, now);
  }

  async close(): Promise<void> {
    if (this.owned && this.db.open) this.db.close();
  }
}
