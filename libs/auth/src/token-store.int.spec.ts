import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from './token-store.js';

describe('TokenStore answers from its cache without ever outliving a change', () => {
  let dir: string;
  let store: TokenStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-tokens-'));
    store = new TokenStore(join(dir, 'auth.sqlite'), 'bootstrap-token');
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a revocation through the store is refused from the next look-up', () => {
    const { id, token } = store.create({ role: 'pilot', organisationId: 'org' }, 'admin');
    expect(store.authenticate(token)).toEqual({ tokenId: id, role: 'pilot', organisationId: 'org' });
    expect(store.authenticate(token)).toEqual({ tokenId: id, role: 'pilot', organisationId: 'org' });
    expect(store.revoke(id)).toBe(true);
    expect(store.authenticate(token)).toEqual({ refused: 'revoked' });
  });

  it('a change written by another connection to the file is seen at once', () => {
    const { id, token } = store.create({ role: 'auditor' }, 'admin');
    expect(store.authenticate(token)).toMatchObject({ tokenId: id });
    const other = new Database(join(dir, 'auth.sqlite'));
    other.prepare("UPDATE tokens SET role = 'admin' WHERE id = ?").run(id);
    expect(store.authenticate(token)).toMatchObject({ tokenId: id, role: 'admin' });
    other.prepare('UPDATE tokens SET revokedAt = ? WHERE id = ?').run(new Date().toISOString(), id);
    expect(store.authenticate(token)).toEqual({ refused: 'revoked' });
    other.close();
  });

  it('expiry is checked on every look-up, cached or not', () => {
    const { token } = store.create({ role: 'pilot', organisationId: 'org', expiresAt: '2030-01-01T00:00:00.000Z' }, 'admin');
    expect(store.authenticate(token, new Date('2029-12-31T23:59:59Z'))).toMatchObject({ role: 'pilot' });
    expect(store.authenticate(token, new Date('2030-01-01T00:00:00Z'))).toEqual({ refused: 'expired' });
    expect(store.authenticate('sct_unknown')).toEqual({ refused: 'unknown' });
    expect(store.authenticate('bootstrap-token')).toEqual({ tokenId: 'bootstrap-admin', role: 'admin', organisationId: null });
  });
});
