import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { SqliteCheckpointStore } from './sqlite-checkpoint-store.js';
import { SqliteProcessedEvents } from './sqlite-processed-events.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'scoran-messaging-unit-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SqliteCheckpointStore', () => {
  it('starts at 0, keeps one position per name, and survives reopening the file', async () => {
    const path = join(dir, 'relay.db');
    const store = new SqliteCheckpointStore({ path });
    expect(await store.load('kafka-relay:scoran.events')).toBe(0);
    await store.save('kafka-relay:scoran.events', 41);
    await store.save('kafka-relay:scoran.events', 42);
    await store.save('kafka-relay:other', 7);
    await store.close();

    const reopened = new SqliteCheckpointStore({ path });
    expect(await reopened.load('kafka-relay:scoran.events')).toBe(42);
    expect(await reopened.load('kafka-relay:other')).toBe(7);
    await reopened.close();
    const rows = new Database(path, { readonly: true }).prepare('SELECT name, position FROM relay_checkpoints ORDER BY name').all();
    expect(rows).toEqual([
      { name: 'kafka-relay:other', position: 7 },
      { name: 'kafka-relay:scoran.events', position: 42 },
    ]);
  });

  it('refuses a position that is not a non-negative integer', async () => {
    const store = new SqliteCheckpointStore({ path: join(dir, 'relay.db') });
    await expect(store.save('r', -1)).rejects.toThrow(RangeError);
    await expect(store.save('r', 1.5)).rejects.toThrow(RangeError);
    expect(await store.load('r')).toBe(0);
    await store.close();
  });
});

describe('SqliteProcessedEvents', () => {
  it('reports recorded ids per consumer, across more ids than one query binds, after reopening', async () => {
    const path = join(dir, 'processed.db');
    const processed = new SqliteProcessedEvents({ path });
    const events = Array.from({ length: 1200 }, (_, i) => ({ id: `event-${i}`, position: i + 1 }));
    await processed.record('projection', events.filter((_, i) => i % 2 === 0));
    await processed.record('projection', [events[0]!]);
    await processed.close();

    const reopened = new SqliteProcessedEvents({ path });
    const seen = await reopened.seen('projection', events.map((event) => event.id));
    expect(seen.size).toBe(600);
    expect(seen.has('event-0')).toBe(true);
    expect(seen.has('event-1')).toBe(false);
    expect(seen.has('event-1198')).toBe(true);
    expect((await reopened.seen('another-consumer', ['event-0'])).size).toBe(0);
    expect((await reopened.seen('projection', [])).size).toBe(0);
    await reopened.close();
  });

  it('records inside the caller transaction, so a rolled-back handler leaves no trace', async () => {
    const db = new Database(join(dir, 'read-model.db'));
    db.exec('CREATE TABLE totals (stream TEXT PRIMARY KEY, count INTEGER NOT NULL)');
    const processed = new SqliteProcessedEvents({ database: db });
    const apply = (fail: boolean) =>
      db.transaction(() => {
        db.prepare('INSERT INTO totals (stream, count) VALUES (?, 1) ON CONFLICT (stream) DO UPDATE SET count = count + 1').run('sheet-a');
        processed.recordSync('projection', [{ id: 'event-1', position: 1 }]);
        if (fail) throw new Error('constraint failed further on');
      })();
    expect(() => apply(true)).toThrow('constraint failed further on');
    expect((await processed.seen('projection', ['event-1'])).size).toBe(0);
    expect(db.prepare('SELECT count(*) AS n FROM totals').get()).toEqual({ n: 0 });
    apply(false);
    expect((await processed.seen('projection', ['event-1'])).size).toBe(1);
    await processed.close();
    expect(db.open).toBe(true);
    db.close();
  });
});
