import Database from 'better-sqlite3';

/** A write under way: what it asked, the command id its events carry, and the log's head before it. */
export interface PendingWrite {
  fingerprint: string;
  commandId: string;
  headBefore: number;
}

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
  private readonly claimStmt;
  private readonly getClaimStmt;
  private readonly dropClaimStmt;

  constructor(path: string, retentionMs = 7 * 24 * 3600 * 1000) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // The answer is written before it is sent: an acknowledged write always finds its key again.
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_answers (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, statusCode INTEGER NOT NULL,
      contentType TEXT NOT NULL, body TEXT NOT NULL, storedAt TEXT NOT NULL, PRIMARY KEY (scope, key)
    )`);
    // A claim is written (durably) before the write runs: if the process dies before the answer is
    // stored, a retry finds the claim and looks in the log for the events its command id produced.
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotent_claims (
      scope TEXT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL, commandId TEXT NOT NULL, headBefore INTEGER NOT NULL,
      claimedAt TEXT NOT NULL, PRIMARY KEY (scope, key)
    )`);
    const horizon = new Date(Date.now() - retentionMs).toISOString();
    this.db.prepare('DELETE FROM idempotent_answers WHERE storedAt < ?').run(horizon);
    this.db.prepare('DELETE FROM idempotent_claims WHERE claimedAt < ?').run(horizon);
    this.claimStmt = this.db.prepare('INSERT OR REPLACE INTO idempotent_claims VALUES (?, ?, ?, ?, ?, ?)');
    this.getClaimStmt = this.db.prepare<[string, string], PendingWrite>('SELECT fingerprint, commandId, headBefore FROM idempotent_claims WHERE scope = ? AND key = ?');
    this.dropClaimStmt = this.db.prepare('DELETE FROM idempotent_claims WHERE scope = ? AND key = ?');
    this.getStmt = this.db.prepare<[string, string], StoredAnswer>('SELECT fingerprint, statusCode, contentType, body FROM idempotent_answers WHERE scope = ? AND key = ?');
    this.putStmt = this.db.prepare('INSERT OR IGNORE INTO idempotent_answers VALUES (@scope, @key, @fingerprint, @statusCode, @contentType, @body, @storedAt)');
  }

  get(scope: string, key: string): StoredAnswer | null {
    return this.getStmt.get(scope, key) ?? null;
  }

  put(scope: string, key: string, answer: StoredAnswer): void {
    this.db.transaction(() => {
      this.putStmt.run({ scope, key, ...answer, storedAt: new Date().toISOString() });
      this.dropClaimStmt.run(scope, key);
    })();
  }

  claim(scope: string, key: string, pending: PendingWrite): void {
    this.claimStmt.run(scope, key, pending.fingerprint, pending.commandId, pending.headBefore, new Date().toISOString());
  }

  claimed(scope: string, key: string): PendingWrite | null {
    return this.getClaimStmt.get(scope, key) ?? null;
  }

  /** The write ended without an answer worth keeping (5xx, refusal of the caller): a retry runs afresh. */
  release(scope: string, key: string): void {
    this.dropClaimStmt.run(scope, key);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
