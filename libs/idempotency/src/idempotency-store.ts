import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { enableWal, setPageCacheMb } from '#event-store';
import type { IdempotencyRecords, PendingWrite, StoredAnswer, StoredClaim } from './idempotency.port.js';

/** Stores open in this process, by owner id: a claim of one of them is held by a live writer. */
const OPEN = new Set<string>();
/** Marks a writer of this process as running (until `releaseOwner`), for `IdempotencyStore.ownerAlive`. */
export const holdOwner = (owner: string): void => { OPEN.add(owner); };
export const releaseOwner = (owner: string): void => { OPEN.delete(owner); };


/**
 * The answers given to writes sent with an Idempotency-Key, kept in their own SQLite file next to
 * the store so that a client retrying after a restart still gets the first answer. Keys are scoped
 * by caller: two tokens may use the same key without seeing each other's answers.
 *
 * Every node that shares the embedded store opens the same file (next to the store's), so a retry
 * is recognised by whichever node receives it. A claim names its owner: a claim whose owner is
 * gone (its process ended, or this process closed the store that made it) is a write cut short,
 * which the next request recovers; a live owner's claim makes a duplicate wait for its answer.
 */
export class IdempotencyStore implements IdempotencyRecords {
  private readonly db: Database.Database;
  private readonly getStmt;
  private readonly putStmt;
  private readonly claimStmt;
  private readonly getClaimStmt;
  private readonly dropClaimStmt;
  private readonly tryClaimStmt;
  private readonly takeOverStmt;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  /** `cacheMb`: SQLite's page cache of the connection (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  constructor(path: string, retentionMs = 7 * 24 * 3600 * 1000, options: { cacheMb?: number } = {}) {
    this.db = new Database(path);
    // Several processes may open the file at once (nodes sharing the store).
    this.db.pragma('busy_timeout = 5000');
    setPageCacheMb(this.db, options.cacheMb);
    enableWal(this.db);
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
      claimedAt TEXT NOT NULL, owner TEXT, PRIMARY KEY (scope, key)
    )`);
    // Files of earlier releases have no owner column: their claims count as ownerless (cut short).
    const columns = this.db.prepare("SELECT name FROM pragma_table_info('idempotent_claims')").pluck().all() as string[];
    if (!columns.includes('owner')) {
      try {
        this.db.exec('ALTER TABLE idempotent_claims ADD COLUMN owner TEXT');
      } catch (error) {
        // Another node added it first.
        if (!/duplicate column/.test(String((error as Error).message))) throw error;
      }
    }
    const horizon = new Date(Date.now() - retentionMs).toISOString();
    this.db.prepare('DELETE FROM idempotent_answers WHERE storedAt < ?').run(horizon);
    this.db.prepare('DELETE FROM idempotent_claims WHERE claimedAt < ?').run(horizon);
    this.claimStmt = this.db.prepare('INSERT OR REPLACE INTO idempotent_claims (scope, key, fingerprint, commandId, headBefore, claimedAt, owner) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.tryClaimStmt = this.db.prepare('INSERT OR IGNORE INTO idempotent_claims (scope, key, fingerprint, commandId, headBefore, claimedAt, owner) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.takeOverStmt = this.db.prepare('UPDATE idempotent_claims SET fingerprint = ?, commandId = ?, headBefore = ?, claimedAt = ?, owner = ? WHERE scope = ? AND key = ? AND owner IS ? AND claimedAt = ?');
    this.getClaimStmt = this.db.prepare<[string, string], StoredClaim>('SELECT fingerprint, commandId, headBefore, owner, claimedAt FROM idempotent_claims WHERE scope = ? AND key = ?');
    OPEN.add(this.owner);
    this.dropClaimStmt = this.db.prepare('DELETE FROM idempotent_claims WHERE scope = ? AND key = ?');
    this.getStmt = this.db.prepare<[string, string], StoredAnswer>('SELECT fingerprint, statusCode, contentType, body FROM idempotent_answers WHERE scope = ? AND key = ?');
    this.putStmt = this.db.prepare('INSERT OR IGNORE INTO idempotent_answers VALUES (@scope, @key, @fingerprint, @statusCode, @contentType, @body, @storedAt)');
  }

  get(scope: string, key: string): StoredAnswer | null {
    return this.getStmt.get(scope, key) ?? null;
  }

  put(scope: string, key: string, answer: StoredAnswer): void {
    const { fingerprint, statusCode, contentType, body } = answer;
    this.db.transaction(() => {
      this.putStmt.run({ scope, key, fingerprint, statusCode, contentType, body, storedAt: new Date().toISOString() });
      this.dropClaimStmt.run(scope, key);
    })();
  }

  claim(scope: string, key: string, pending: PendingWrite): void {
    this.claimStmt.run(scope, key, pending.fingerprint, pending.commandId, pending.headBefore, new Date().toISOString(), this.owner);
  }

  /**
   * Claims the key for this store, atomically across every process sharing the file: when it is
   * free, or when it is still held by `stale` (a claim whose owner is gone). False: another writer
   * got there first.
   */
  tryClaim(scope: string, key: string, pending: PendingWrite, stale?: StoredClaim): boolean {
    const now = new Date().toISOString();
    const run = stale
      ? this.takeOverStmt.run(pending.fingerprint, pending.commandId, pending.headBefore, now, this.owner, scope, key, stale.owner, stale.claimedAt)
      : this.tryClaimStmt.run(scope, key, pending.fingerprint, pending.commandId, pending.headBefore, now, this.owner);
    return run.changes > 0;
  }

  claimed(scope: string, key: string): StoredClaim | null {
    return this.getClaimStmt.get(scope, key) ?? null;
  }

  /**
   * Whether the writer holding a claim may still be running: a store open in this process, or a
   * live process on this machine (stores of other machines never share an SQLite file).
   */
  isLive(claim: StoredClaim): boolean {
    return IdempotencyStore.ownerAlive(claim.owner);
  }

  static ownerAlive(owner: string | null): boolean {
    if (!owner) return false;
    if (OPEN.has(owner)) return true;
    const [host, pid] = owner.split(':');
    if (host !== hostname() || Number(pid) === process.pid) return false;
    try {
      process.kill(Number(pid), 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  /** The write ended without an answer worth keeping (5xx, refusal of the caller): a retry runs afresh. */
  release(scope: string, key: string): void {
    this.dropClaimStmt.run(scope, key);
  }

  close(): void {
    OPEN.delete(this.owner);
    if (this.db.open) this.db.close();
  }
}
