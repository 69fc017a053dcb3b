import Database from 'better-sqlite3';

export interface StoredAnswer {
  fingerprint: string;
  statusCode: number;
  contentType: string;
  body: string;
}

/**
 * The answers given to writes sent with an Idempotency-Key, kept in their own SQLite file next to
 * the store so that a client retrying after a restart still gets the first answer. Keys are scoped
 * by caller: two tokens may use the same key without seeing each other's answers.
 */
export class IdempotencyStore {
  private readonly db: Database.Database;
  private readonly getStmt;
  private readonly putStmt;

  constructor(path: string, retentionMs = 7 * 24 * 3600 * 1000) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // The answer is written before it is sent: an acknowledged write always finds its key again.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, statusCode INTEGER NOT NULL,
      contentType TEXT NOT NULL, body TEXT NOT NULL, storedAt TEXT NOT NULL, PRIMARY KEY (scope, key)
    )`);
    this.db.prepare('DELETE FROM idempotent_answers WHERE storedAt < ?').run(new Date(Date.now() - retentionMs).toISOString());
    this.getStmt = this.db.prepare<[string, string], StoredAnswer>('SELECT fingerprint, statusCode, contentType, body FROM idempotent_answers WHERE scope = ? AND key = ?');
    this.putStmt = this.db.prepare('INSERT OR IGNORE INTO idempotent_answers VALUES (@scope, @key, @fingerprint, @statusCode, @contentType, @body, @storedAt)');
  }

  get(scope: string, key: string): StoredAnswer | null {
    return this.getStmt.get(scope, key) ?? null;
  }

  put(scope: string, key: string, answer: StoredAnswer): void {
    this.putStmt.run({ scope, key, ...answer, storedAt: new Date().toISOString() });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
