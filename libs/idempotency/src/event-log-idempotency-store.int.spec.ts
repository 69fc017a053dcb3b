import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPrivateStream, SqliteEventStore } from '#event-store';
import { EventLogIdempotencyStore } from './event-log-idempotency-store.js';

const PENDING = { fingerprint: 'f1', commandId: 'idem-1', headBefore: 0 };
const ANSWER = { fingerprint: 'f1', statusCode: 201, contentType: 'application/json; charset=utf-8', body: '{"eventIds":["e1"]}' };

/** Two nodes of one store, each with its own connection and its own records of idempotent writes. */
describe('claims and answers of idempotent writes kept in the log', () => {
  let dir: string;
  let stores: SqliteEventStore[];
  let a: EventLogIdempotencyStore;
  let b: EventLogIdempotencyStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-idem-log-'));
    stores = [0, 1].map(() => new SqliteEventStore({ path: join(dir, 'events.sqlite') }));
    a = new EventLogIdempotencyStore(stores[0]!);
    b = new EventLogIdempotencyStore(stores[1]!);
  });
  afterEach(async () => {
    a.close();
    b.close();
    for (const s of stores) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('of two nodes claiming one key at once exactly one gets it; the other sees a live claim, then the answer', async () => {
    const won = await Promise.all([a.tryClaim('token:t', 'k', PENDING), b.tryClaim('token:t', 'k', PENDING)]);
    expect(won.filter(Boolean)).toHaveLength(1);
    const [winner, loser] = won[0] ? [a, b] : [b, a];
    const claim = await loser.claimed('token:t', 'k');
    expect(claim).toMatchObject({ ...PENDING, owner: winner.owner });
    expect(loser.isLive(claim!)).toBe(true);
    await winner.put('token:t', 'k', ANSWER);
    expect(await loser.get('token:t', 'k')).toEqual(ANSWER);
    expect(await loser.claimed('token:t', 'k')).toBeNull();
    // Another caller's key of the same name is another key.
    expect(await loser.get('token:u', 'k')).toBeNull();
  });

  it('a claim whose node is gone is taken over once, by one node', async () => {
    expect(await a.tryClaim('token:t', 'k', PENDING)).toBe(true);
    a.close();
    const stale = (await b.claimed('token:t', 'k'))!;
    expect(b.isLive(stale)).toBe(false);
    const c = new EventLogIdempotencyStore(stores[0]!);
    try {
      const taken = await Promise.all([b.tryClaim('token:t', 'k', { ...PENDING, headBefore: 5 }, stale), c.tryClaim('token:t', 'k', { ...PENDING, headBefore: 5 }, stale)]);
      expect(taken.filter(Boolean)).toHaveLength(1);
    } finally {
      c.close();
    }
  });

  it('a claim made on another machine counts as live for the lease, then as cut short', () => {
    const claim = { ...PENDING, owner: 'elsewhere:1:abcd', claimedAt: new Date().toISOString() };
    expect(new EventLogIdempotencyStore(stores[0]!, { leaseMs: 1000 }).isLive(claim)).toBe(true);
    expect(new EventLogIdempotencyStore(stores[0]!, { leaseMs: 1000 }).isLive({ ...claim, claimedAt: new Date(Date.now() - 2000).toISOString() })).toBe(false);
  });

  it('a released claim lets a retry run afresh', async () => {
    expect(await a.tryClaim('token:t', 'k', PENDING)).toBe(true);
    await a.release('token:t', 'k');
    expect(await b.claimed('token:t', 'k')).toBeNull();
    expect(await b.tryClaim('token:t', 'k', PENDING)).toBe(true);
  });

  it('an answer showing a secret is kept without it: a replay says it is withheld', async () => {
    expect(await a.tryClaim('token:t', 'k', PENDING)).toBe(true);
    await a.put('token:t', 'k', { ...ANSWER, body: '{"token":"sct_secret"}', secret: true });
    const replayed = await b.get('token:t', 'k');
    expect(replayed).toMatchObject({ fingerprint: 'f1', statusCode: 409 });
    expect(JSON.parse(replayed!.body).error).toBe('idempotent_answer_withheld');
    const stream = EventLogIdempotencyStore.streamOf('token:t', 'k');
    expect(isPrivateStream(stream)).toBe(true);
    expect(JSON.stringify(await stores[0]!.readStream(stream))).not.toContain('sct_secret');
  });
});
