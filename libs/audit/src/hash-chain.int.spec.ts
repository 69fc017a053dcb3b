import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore, type EventStore } from '#event-store';
import { CHAIN_COMMIT, CHAIN_READ, chainHash, GENESIS_HASH, HashChainer, HashChainStore, verifyChain } from './hash-chain.js';

const meta = { actor: 'test', correlationId: 'c-1', causationId: null, source: 'test' };

describe('hash chain over a SQLite log', () => {
  let dir: string;
  let store: SqliteEventStore;
  let chain: HashChainStore;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scoran-chain-'));
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
    chain = new HashChainStore(join(dir, 'event-hashes.sqlite'));
    for (let k = 0; k < 5; k++) {
      await store.appendToStream(`sheet-s${k % 2}`, [{ type: 'Noted', data: { k, text: `note ${k}` }, metadata: meta }]);
    }
    await new HashChainer(store, chain).catchUp();
  });

  afterEach(async () => {
    await store.close();
    chain.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Edits the events file behind the store's back, as an intruder with file access would. */
  async function editEventsFile(sql: string[]): Promise<void> {
    await store.close();
    const db = new Database(join(dir, 'events.sqlite'));
    for (const statement of sql) db.exec(statement);
    db.close();
    store = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
  }

  it('hashes the previous hash followed by the canonical JSON, in UTF-8: the links of existing chains stay valid', () => {
    // printf '%s%s' "$(printf '0%.0s' $(seq 64))" '{"data":{"k":0,"text":"note é"},"id":"e-1",…,"type":"Noted"}' | sha256sum
    const envelope = {
      id: 'e-1', type: 'Noted', stream: 'sheet-s0', revision: 0, position: 1,
      data: { text: 'note é', k: 0 }, metadata: { recordedAt: '2026-01-01T00:00:00.000Z', actor: 'test' },
    };
    expect(chainHash(GENESIS_HASH, envelope)).toBe('7f7ae2e643a0d7cc207602481963d5def6e9284c89b20fc8b4951cc0186e0c08');
  });

  it('links each event to the previous hash', async () => {
    const events = await store.readAllRaw();
    const first = { ...events[0]!, data: JSON.parse(events[0]!.data), metadata: JSON.parse(events[0]!.metadata) };
    const links = [...chain.links()];
    expect(links).toHaveLength(5);
    expect(links[0]!.hash).toBe(chainHash(GENESIS_HASH, first));
    expect(new Set(links.map((l) => l.hash)).size).toBe(5);
    const report = await verifyChain(store, chain);
    expect(report).toMatchObject({ ok: true, checked: 5, unchained: 0, logHead: 5, problem: null });
  });

  it('verifies the same through a store without readAllRaw, read through readAll', async () => {
    // The same log seen through the port's required methods only.
    const readAllOnly: EventStore = {
      name: 'read-all-only',
      appendToStream: (stream, events, options) => store.appendToStream(stream, events, options),
      readStream: (stream, options) => store.readStream(stream, options),
      streamRevision: (stream) => store.streamRevision(stream),
      readAll: (options) => store.readAll(options),
      headPosition: () => store.headPosition(),
      subscribeToAll: (handler, options) => store.subscribeToAll(handler, options),
      close: () => store.close(),
    };
    expect(await verifyChain(readAllOnly, chain)).toMatchObject({ ok: true, checked: 5, unchained: 0, problem: null });
  });

  it('counts events appended after the last link as unchained, not as a break', async () => {
    await store.appendToStream('sheet-s9', [{ type: 'Noted', data: {}, metadata: meta }]);
    expect(await verifyChain(store, chain)).toMatchObject({ ok: true, checked: 5, unchained: 1 });
  });

  it('finds a changed event', async () => {
    await editEventsFile([`UPDATE events SET data = '{"k":2,"text":"rewritten"}' WHERE position = 3`]);
    expect((await verifyChain(store, chain)).problem).toMatchObject({ kind: 'tampered', position: 3 });
  });

  it('finds a removed event', async () => {
    await editEventsFile(['DELETE FROM events WHERE position = 2']);
    expect((await verifyChain(store, chain)).problem).toMatchObject({ kind: 'removed', position: 2 });
  });

  it('finds two swapped events', async () => {
    await editEventsFile(['UPDATE events SET position = -4 WHERE position = 4', 'UPDATE events SET position = 4 WHERE position = 2', 'UPDATE events SET position = 2 WHERE position = -4']);
    expect((await verifyChain(store, chain)).problem).toMatchObject({ kind: 'reordered', position: 2 });
  });

  it('finds an unknown event put in the place of a chained one', async () => {
    await editEventsFile([
      'UPDATE events SET position = position + 10 WHERE position >= 3',
      `INSERT INTO events (position, id, stream, revision, type, data, metadata, recorded_at) VALUES (3, 'intruder', 'sheet-x', 0, 'Noted', '{}', '{"recordedAt":"2020-01-01T00:00:00.000Z"}', '2020-01-01T00:00:00.000Z')`,
    ]);
    expect((await verifyChain(store, chain)).problem).toMatchObject({ kind: 'tampered', position: 3, foundEventId: 'intruder' });
  });

  /** Resolves once the chain's head reaches `position`, or fails after `ms`. */
  async function chainReaches(position: number, ms = 3000): Promise<void> {
    const until = Date.now() + ms;
    while ((chain.head()?.position ?? 0) < position) {
      if (Date.now() > until) throw new Error(`the chain stayed at ${chain.head()?.position ?? 0}, short of ${position}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('follows the appends of its store, and those of another connection by polling, each event chained once', async () => {
    const chainer = new HashChainer(store, chain, 50);
    const errors: unknown[] = [];
    chainer.start((error) => errors.push(error));
    try {
      // Told of at once: many appends together, the wakes folded into passes.
      await Promise.all(Array.from({ length: 20 }, (_, k) => store.appendToStream(`sheet-s${k % 3}`, [{ type: 'Noted', data: { k }, metadata: meta }])));
      await chainReaches(25);
      // Another connection to the same file says nothing: the timer finds its events.
      const other = new SqliteEventStore({ path: join(dir, 'events.sqlite') });
      await other.appendToStream('sheet-other', [{ type: 'Noted', data: { from: 'elsewhere' }, metadata: meta }]);
      await other.close();
      await chainReaches(26);
    } finally {
      await chainer.stop();
    }
    expect(errors).toEqual([]);
    expect([...chain.links()].map((l) => l.position)).toEqual(Array.from({ length: 26 }, (_, i) => i + 1));
    expect(await verifyChain(store, chain)).toMatchObject({ ok: true, checked: 26, unchained: 0, problem: null });
    // Stopped: nothing is chained any more.
    await store.appendToStream('sheet-s0', [{ type: 'Noted', data: { late: true }, metadata: meta }]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(chain.head()?.position).toBe(26);
  });
  it('reads a long catch-up a few events at a time, lets the thread run between reads, and commits the links in larger steps', async () => {
    for (let k = 0; k < 26; k++) {
      await store.appendToStream(`sheet-b${k % 4}`, Array.from({ length: 100 }, (_, i) => ({ type: 'Noted', data: { k, i }, metadata: meta })));
    }
    const total = 5 + 2600;
    const limits: number[] = [];
    const reading = { readAllRaw: (options: { fromPosition?: number; limit?: number }) => { limits.push(options.limit!); return store.readAllRaw(options); } } as unknown as EventStore;
    const fresh = new HashChainStore(join(dir, 'fresh-hashes.sqlite'));
    const commits: number[] = [];
    const append = fresh.append.bind(fresh);
    fresh.append = (links) => { commits.push(links.length); append(links); };
    try {
      let ended = false;
      let ranMeanwhile = false;
      const done = new HashChainer(reading, fresh).catchUp().then((added) => { ended = true; return added; });
      setImmediate(() => { ranMeanwhile = !ended; });
      expect(await done).toBe(total);
      expect(ranMeanwhile).toBe(true);
      expect(Math.max(...limits)).toBe(CHAIN_READ);
      expect(limits.length).toBe(Math.floor(total / CHAIN_READ) + 1);
      expect(commits).toEqual([CHAIN_COMMIT, total - CHAIN_COMMIT]);
      // The same links as the chain extended from its first five links.
      await new HashChainer(store, chain).catchUp();
      expect([...fresh.links()]).toEqual([...chain.links()]);
      expect(await verifyChain(store, fresh)).toMatchObject({ ok: true, checked: total, unchained: 0, problem: null });
    } finally {
      fresh.close();
    }
  });
});
