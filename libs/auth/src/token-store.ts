import Database from 'better-sqlite3';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'pilot' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'pilot', 'auditor'];

export interface Principal {
  tokenId: string;
  role: Role;
  organisationId: string | null;
}

export interface TokenInfo {
  id: string;
  role: Role;
  organisationId: string | null;
  label: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Access tokens live outside the event log on purpose: they are secrets and access rights, not facts
 * about the roadmap, and an exported log must never carry them. Only a SHA-256 hash is stored; the
 * token itself is shown once, when created.
 */
export class TokenStore {
  private readonly db: Database.Database;
  private readonly bootstrapHash: Buffer | null;
  private readonly byHash: Database.Statement;
  private readonly dataVersion: Database.Statement;
  /**
   * Tokens already looked up, by hash: a request then costs a hash and a map look-up instead of a
   * query. Writes through this store update it at once; writes by any other connection (another
   * process sharing the file) change SQLite's data_version, which empties it before the next answer.
   * Expiry is checked on every request against the cached row. Unknown tokens are never cached.
   */
  private readonly cache = new Map<string, TokenInfo>();
  private seenVersion = -1;

  constructor(path: string, adminToken?: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS tokens (
      id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, organisationId TEXT, label TEXT,
      createdAt TEXT NOT NULL, createdBy TEXT NOT NULL, expiresAt TEXT, revokedAt TEXT
    )`);
    this.bootstrapHash = adminToken ? Buffer.from(hash(adminToken), 'hex') : null;
    this.byHash = this.db.prepare('SELECT * FROM tokens WHERE hash = ?');
    this.dataVersion = this.db.prepare('PRAGMA data_version').pluck();
  }

  private lookUp(h: string): TokenInfo | undefined {
    const version = this.dataVersion.get() as number;
    if (version !== this.seenVersion) {
      this.cache.clear();
      this.seenVersion = version;
    }
    const cached = this.cache.get(h);
    if (cached) return cached;
    const row = this.byHash.get(h) as (TokenInfo & { hash: string }) | undefined;
    if (!row) return undefined;
    if (this.cache.size >= 10_000) this.cache.clear();
    this.cache.set(h, row);
    return row;
  }

  create(input: { role: Role; organisationId?: string | null; label?: string | null; expiresAt?: string | null }, createdBy: string): { id: string; token: string; info: TokenInfo } {
    const id = randomUUID();
    const token = `sct_${randomBytes(32).toString('base64url')}`;
    const info: TokenInfo = {
      id, role: input.role, organisationId: input.organisationId ?? null, label: input.label ?? null,
      createdAt: new Date().toISOString(), createdBy, expiresAt: input.expiresAt ?? null, revokedAt: null,
    };
    this.db.prepare('INSERT INTO tokens VALUES (@id, @hash, @role, @organisationId, @label, @createdAt, @createdBy, @expiresAt, @revokedAt)').run({ ...info, hash: hash(token) });
    return { id, token, info };
  }

  /** The principal a bearer token stands for, or a reason why it stands for none. */
  authenticate(token: string, now = new Date()): Principal | { refused: 'unknown' | 'revoked' | 'expired' } {
    const h = hash(token);
    if (this.bootstrapHash && timingSafeEqual(Buffer.from(h, 'hex'), this.bootstrapHash)) return { tokenId: 'bootstrap-admin', role: 'admin', organisationId: null };
    const row = this.lookUp(h);
    if (!row) return { refused: 'unknown' };
    if (row.revokedAt) return { refused: 'revoked' };
    if (row.expiresAt && row.expiresAt <= now.toISOString()) return { refused: 'expired' };
    return { tokenId: row.id, role: row.role, organisationId: row.organisationId };
  }

  list(): TokenInfo[] {
    return this.db.prepare('SELECT id, role, organisationId, label, createdAt, createdBy, expiresAt, revokedAt FROM tokens ORDER BY createdAt').all() as TokenInfo[];
  }

  revoke(id: string): boolean {
    const revoked = this.db.prepare('UPDATE tokens SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL').run(new Date().toISOString(), id).changes > 0;
    // Refused from the very next request: forget every cached row (revocations are rare).
    if (revoked) this.cache.clear();
    return revoked;
  }

  get(id: string): TokenInfo | null {
    return (this.db.prepare('SELECT id, role, organisationId, label, createdAt, createdBy, expiresAt, revokedAt FROM tokens WHERE id = ?').get(id) as TokenInfo | undefined) ?? null;
  }

  close(): void {
    this.db.close();
  }
}
