import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrivateStream, SqliteEventStore } from '#event-store';
import { ACCESS_STREAM } from './access.decider.js';
import { TokenStore } from './token-store.js';

const until = async (check: () => boolean, timeoutMs: number): Promise<number> => {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
};

describe('TokenStore answers from the access log, on every node that reads it', () => {
  let dir: string;
  let events: SqliteEventStore;
  let store: TokenStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-tokens-'));
    events = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    store = new TokenStore(events, { adminToken: 'bootstrap-token' });
    await store.start();
  });
  afterEach(async () => {
    store.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a revocation through the store is refused from the next look-up', async () => {
    const { id, token } = await store.create({ role: 'pilot', organisationId: 'org' }, 'admin');
    expect(store.authenticate(token)).toEqual({ tokenId: id, role: 'pilot', organisationId: 'org' });
    expect(store.authenticate(token)).toEqual({ tokenId: id, role: 'pilot', organisationId: 'org' });
    expect(await store.revoke(id, 'admin')).toBe(true);
    expect(store.authenticate(token)).toEqual({ refused: 'revoked' });
    expect(await store.revoke(id, 'admin')).toBe(false);
  });

  it('the log holds the hash, never the secret, and its stream is private to the store', async () => {
    const { id, token } = await store.create({ role: 'auditor', label: 'audit' }, 'admin:x');
    const stored = await events.readStream(ACCESS_STREAM);
    expect(stored.map((e) => e.type)).toEqual(['TokenIssued']);
    expect(stored[0]!.data).toMatchObject({ tokenId: id, hash: createHash('sha256').update(token).digest('hex'), role: 'auditor', label: 'audit', issuedBy: 'admin:x' });
    expect(JSON.stringify(stored)).not.toContain(token.slice(4));
    expect(isPrivateStream(ACCESS_STREAM)).toBe(true);
  });

  it('a token issued through one connection works, and its revocation is refused, through another', async () => {
    const otherEvents = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    const other = new TokenStore(otherEvents, { pollIntervalMs: 50 });
    await other.start();
    try {
      const { id, token } = await store.create({ role: 'auditor' }, 'admin');
      await until(() => !('refused' in other.authenticate(token)), 1000);
      expect(other.authenticate(token)).toMatchObject({ tokenId: id, role: 'auditor' });
      await other.revoke(id, 'admin');
      // The store that did not write it learns of it on its next read (every 200 ms by default).
      const delay = await until(() => 'refused' in store.authenticate(token), 1000);
      expect(delay).toBeLessThan(1000);
      expect(store.authenticate(token)).toEqual({ refused: 'revoked' });
      expect((await store.list()).find((t) => t.id === id)?.revokedAt).not.toBeNull();
    } finally {
      other.close();
      await otherEvents.close();
    }
  });

  it('two nodes issuing at once both succeed, each in its own event', async () => {
    const otherEvents = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    const other = new TokenStore(otherEvents);
    await other.start();
    try {
      const made = await Promise.all([
        ...Array.from({ length: 5 }, () => store.create({ role: 'auditor' }, 'a')),
        ...Array.from({ length: 5 }, () => other.create({ role: 'auditor' }, 'b')),
      ]);
      const stored = await events.readStream(ACCESS_STREAM);
      expect(stored).toHaveLength(10);
      expect(new Set(stored.map((e) => (e.data as { tokenId: string }).tokenId))).toEqual(new Set(made.map((m) => m.id)));
    } finally {
      other.close();
      await otherEvents.close();
    }
  });

  it('expiry is checked on every look-up, cached or not', async () => {
    const { token } = await store.create({ role: 'pilot', organisationId: 'org', expiresAt: '2030-01-01T00:00:00.000Z' }, 'admin');
    expect(store.authenticate(token, new Date('2029-12-31T23:59:59Z'))).toMatchObject({ role: 'pilot' });
    expect(store.authenticate(token, new Date('2030-01-01T00:00:00Z'))).toEqual({ refused: 'expired' });
    expect(store.authenticate('sct_unknown')).toEqual({ refused: 'unknown' });
    expect(store.authenticate('bootstrap-token')).toEqual({ tokenId: 'bootstrap-admin', role: 'admin', organisationId: null });
    expect(await events.readStream(ACCESS_STREAM)).toHaveLength(1);
  });

  it('imports the tokens of an auth.sqlite file once, revocations included, and they keep working', async () => {
    const legacy = new Database(join(dir, 'auth.sqlite'));
    legacy.exec(`CREATE TABLE tokens (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, role TEXT NOT NULL, organisationId TEXT, label TEXT,
      createdAt TEXT NOT NULL, createdBy TEXT NOT NULL, expiresAt TEXT, revokedAt TEXT)`);
    const h = (t: string) => createHash('sha256').update(t).digest('hex');
    legacy.prepare('INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run('t-1', h('sct_kept'), 'pilot', 'org', null, '2025-01-01T00:00:00.000Z', 'admin:bootstrap-admin', null, null);
    legacy.prepare('INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run('t-2', h('sct_gone'), 'auditor', null, 'old', '2025-01-02T00:00:00.000Z', 'admin:bootstrap-admin', null, '2025-02-01T00:00:00.000Z');
    legacy.close();
    expect(await store.importLegacy(join(dir, 'auth.sqlite'))).toBe(2);
    expect(await store.importLegacy(join(dir, 'auth.sqlite'))).toBe(0);
    expect(store.authenticate('sct_kept')).toEqual({ tokenId: 't-1', role: 'pilot', organisationId: 'org' });
    expect(store.authenticate('sct_gone')).toEqual({ refused: 'revoked' });
    expect((await events.readStream(ACCESS_STREAM)).map((e) => e.type)).toEqual(['TokenIssued', 'TokenIssued', 'TokenRevoked']);
    expect(await store.get('t-2')).toMatchObject({ createdAt: '2025-01-02T00:00:00.000Z', revokedAt: '2025-02-01T00:00:00.000Z', label: 'old' });
  });
});
