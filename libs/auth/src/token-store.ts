import Database from 'better-sqlite3';
import { hash as digestOf, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { WrongExpectedRevisionError, type EventStore, type NewEvent } from '#event-store';
import { ACCESS_STREAM, accessDecider, type AccessCommand, type AccessState, type Role, type TokenInfo } from './access.decider.js';

export interface Principal {
  tokenId: string;
  role: Role;
  organisationId: string | null;
}

export interface TokenStoreOptions {
  /** SCORAN_ADMIN_TOKEN: a token known from configuration only, never written to the log. */
  adminToken?: string;
  /** How often the access stream is read for what other nodes wrote (ms). Default 200. */
  pollIntervalMs?: number;
}

// One-shot digest: no Hash object per request (createHash was ~2 % of the request thread under the report load).
const hash = (token: string) => digestOf('sha256', token, 'hex');
const copy = ({ hash: _hash, ...info }: TokenInfo & { hash: string }): TokenInfo => ({ ...info });

/**
 * Access tokens as events of the access stream (see accessDecider), read by every node: a token
 * issued on one node works on all, a revocation anywhere is refused everywhere once this node has
 * read it (within `pollIntervalMs`; at once on the node that wrote it). Only the SHA-256 of a token
 * is stored; the token is shown once, after its TokenIssued event is durable. The stream is private
 * to the store (see isPrivateStream): no export, topic or feed carries it.
 *
 * Requests are answered from the folded stream in memory: a hash and a map look-up. Expiry is
 * checked on every look-up.
 */
export class TokenStore {
  private readonly bootstrapHash: Buffer | null;
  private readonly pollIntervalMs: number;
  private state: AccessState = accessDecider.initialState();
  private revision = -1;
  private reading: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private writing: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private failure: unknown;

  constructor(private readonly store: EventStore, options: TokenStoreOptions = {}) {
    this.bootstrapHash = options.adminToken ? Buffer.from(hash(options.adminToken), 'hex') : null;
    this.pollIntervalMs = options.pollIntervalMs ?? 200;
  }

  /** Reads the access stream, then follows it. */
  async start(): Promise<void> {
    await this.catchUp();
    this.timer = setInterval(() => {
      this.catchUp().then(() => { this.failure = undefined; }, (error) => { this.failure = error; });
    }, this.pollIntervalMs);
    this.timer.unref();
  }

  /** The last failed read of the access stream, if the latest one failed (for readiness checks). */
  get lastError(): unknown {
    return this.failure;
  }

  /** Revision of the access stream this node has folded (-1: none). */
  get checkpoint(): number {
    return this.revision;
  }

  /**
   * Folds what was appended to the access stream up to now: the read starts after this call (a
   * read already under way may have started before a write the caller waits for). Reads run one at
   * a time; callers arriving while one waits to start share it.
   */
  catchUp(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = this.reading.then(() => {
      this.queued = null;
      return this.readOnce();
    });
    this.queued = queued;
    this.reading = queued.catch(() => undefined);
    return queued;
  }

  private async readOnce(): Promise<void> {
    if (this.store.knownRevision?.(ACCESS_STREAM) === this.revision) return;
    const events = await this.store.readStream(ACCESS_STREAM, { fromRevision: this.revision + 1 });
    for (const e of events) {
      if (e.revision !== this.revision + 1) break;
      this.state = accessDecider.evolve(this.state, e as never);
      this.revision = e.revision;
    }
  }

  /** The principal a bearer token stands for, or a reason why it stands for none. */
  authenticate(token: string, now = new Date()): Principal | { refused: 'unknown' | 'revoked' | 'expired' } {
    const h = hash(token);
    if (this.bootstrapHash && timingSafeEqual(Buffer.from(h, 'hex'), this.bootstrapHash)) return { tokenId: 'bootstrap-admin', role: 'admin', organisationId: null };
    const row = this.state.byHash.get(h);
    if (!row) return { refused: 'unknown' };
    if (row.revokedAt) return { refused: 'revoked' };
    if (row.expiresAt && row.expiresAt <= now.toISOString()) return { refused: 'expired' };
    return { tokenId: row.id, role: row.role, organisationId: row.organisationId };
  }

  /** Issues a token: its TokenIssued event is durable in the log before the token is returned. */
  async create(input: { role: Role; organisationId?: string | null; label?: string | null; expiresAt?: string | null }, createdBy: string): Promise<{ id: string; token: string; info: TokenInfo }> {
    const id = randomUUID();
    const token = `sct_${randomBytes(32).toString('base64url')}`;
    const data = {
      tokenId: id, hash: hash(token), role: input.role, organisationId: input.organisationId ?? null, label: input.label ?? null,
      issuedAt: new Date().toISOString(), expiresAt: input.expiresAt ?? null, issuedBy: createdBy,
    };
    await this.execute({ type: 'IssueToken', data }, createdBy, `token-${id}`);
    return { id, token, info: copy(this.state.byId.get(id)!) };
  }

  /** False when the token was already revoked. */
  async revoke(id: string, revokedBy = 'system'): Promise<boolean> {
    const written = await this.execute({ type: 'RevokeToken', data: { tokenId: id, revokedAt: new Date().toISOString(), revokedBy } }, revokedBy, `token-${id}`);
    return written > 0;
  }

  async list(): Promise<TokenInfo[]> {
    await this.catchUp();
    return [...this.state.byId.values()].map(copy).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async get(id: string): Promise<TokenInfo | null> {
    await this.catchUp();
    const row = this.state.byId.get(id);
    return row ? copy(row) : null;
  }

  /**
   * Tokens of the per-node file of earlier releases (`auth.sqlite`), issued again as events with
   * their ids, hashes, dates and revocations, so that they keep working on every node. Tokens the
   * stream already knows are left alone: running it again, or on several nodes at once, adds nothing.
   */
  async importLegacy(path: string): Promise<number> {
    if (!existsSync(path)) return 0;
    const db = new Database(path, { readonly: true, fileMustExist: true });
    let rows: Array<TokenInfo & { hash: string }>;
    try {
      const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'tokens'").get();
      rows = table ? (db.prepare('SELECT * FROM tokens ORDER BY createdAt').all() as Array<TokenInfo & { hash: string }>) : [];
    } finally {
      db.close();
    }
    await this.catchUp();
    let imported = 0;
    for (const row of rows) {
      if (this.state.byId.has(row.id) || this.state.byHash.has(row.hash)) continue;
      try {
        await this.execute({
          type: 'IssueToken',
          data: { tokenId: row.id, hash: row.hash, role: row.role, organisationId: row.organisationId, label: row.label, issuedAt: row.createdAt, expiresAt: row.expiresAt, issuedBy: row.createdBy },
        }, 'migration', `token-import-${row.id}`);
      } catch (error) {
        // Another node imported it meanwhile.
        if ((error as { code?: string }).code === 'token_exists') continue;
        throw error;
      }
      if (row.revokedAt) await this.execute({ type: 'RevokeToken', data: { tokenId: row.id, revokedAt: row.revokedAt, revokedBy: 'migration' } }, 'migration', `token-import-${row.id}`);
      imported++;
    }
    return imported;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
  }

  /**
   * Read, decide, append with the expected revision; on a conflict (another node wrote the stream
   * meanwhile) read again and decide again. One command at a time on this node.
   */
  private execute(command: AccessCommand, actor: string, correlationId: string): Promise<number> {
    const run = async (): Promise<number> => {
      for (let attempt = 1; ; attempt++) {
        await this.catchUp();
        const events = accessDecider.decide(command, this.state);
        if (events.length === 0) return 0;
        const envelopes: NewEvent[] = events.map((e) => ({ type: e.type, data: e.data, metadata: { actor, correlationId, causationId: null, source: 'access' } }));
        try {
          await this.store.appendToStream(ACCESS_STREAM, envelopes, { expectedRevision: this.revision === -1 ? 'no_stream' : this.revision });
        } catch (error) {
          if (error instanceof WrongExpectedRevisionError && attempt < 8) continue;
          throw error;
        }
        await this.catchUp();
        return events.length;
      }
    };
    const result = this.writing.then(run, run);
    this.writing = result.catch(() => undefined);
    return result;
  }
}
