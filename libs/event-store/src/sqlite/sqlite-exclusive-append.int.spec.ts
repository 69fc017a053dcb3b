import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { SqliteEventStore } from './sqlite-event-store.js';

const event = (n: number) => ({ type: 'Counted', data: { n }, metadata: { actor: 'a', correlationId: `c-${n}`, causationId: null, source: 'test' } });

describe('SqliteEventStore.appendExclusive', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const file = () => {
    const dir = mkdtempSync(join(tmpdir(), 'scoran-exclusive-'));
    dirs.push(dir);
    return join(dir, 'events.sqlite');
  };

  it('holds the write lock while it prepares: another connection cannot append until its events are committed', async () => {
    const path = file();
    const mine = new SqliteEventStore({ path });
    const other = new SqliteEventStore({ path, busyTimeoutMs: 0 });
    await other.appendToStream('s', [event(0)]);
    let refused: unknown;
    const appended = await mine.appendExclusive!('s', async () => {
      const head = await mine.streamRevision('s');
      refused = await other.appendToStream('s', [event(1)], { expectedRevision: head }).then(() => null, (error: unknown) => error);
      return { events: [event(2)], expectedRevision: head };
    });
    expect(String(refused)).toMatch(/locked|busy/i);
    expect(appended.nextExpectedRevision).toBe(1);
    expect((await other.readStream('s')).map((e) => e.data)).toEqual([{ n: 0 }, { n: 2 }]);
    await Promise.all([mine.close(), other.close()]);
  });

  it('commits what its connection queued meanwhile in the same transaction, and releases the lock when prepare fails', async () => {
    const path = file();
    const store = new SqliteEventStore({ path });
    let queued: Promise<unknown> | undefined;
    const exclusive = store.appendExclusive!('a', async () => {
      queued = store.appendToStream('b', [event(1)]);
      await new Promise((r) => setTimeout(r, 20));
      return { events: [event(0)], expectedRevision: 'no_stream' };
    });
    await exclusive;
    await queued;
    expect(store.stats.commits).toBe(1);
    expect((await store.readAll()).map((e) => e.stream)).toEqual(['a', 'b']);

    await expect(store.appendExclusive!('a', async () => { throw new Error('decided nothing'); })).rejects.toThrow('decided nothing');
    const other = new SqliteEventStore({ path, busyTimeoutMs: 0 });
    await expect(other.appendToStream('a', [event(2)], { expectedRevision: 0 })).resolves.toMatchObject({ nextExpectedRevision: 1 });
    await Promise.all([store.close(), other.close()]);
  });
});
