import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { StoredEvent } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';

// One directory for both reads' logs, each test a file of its own.
const dir = mkdtempSync(join(tmpdir(), 'scoran-read-all-folded-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An event's metadata with its record time, and a schema version unless none is given. */
const meta = (schemaVersion: number | undefined, recordedAt: string) => ({ actor: 'a', correlationId: 'c', causationId: null, source: 't', recordedAt, ...(schemaVersion === undefined ? {} : { schemaVersion }) });

describe('SqliteEventStore.readAllFolded', () => {
  it('gives what readAll gives of each event: stream, type, revision, position, data upcast, record time, schema version, up to the bound', async () => {
    const path = join(dir, 'folded.sqlite');
    const writer = new SqliteEventStore({ path });
    await writer.appendToStream('sheet-a', [
      { type: 'Defined', data: { kpi: 'datasets' }, metadata: meta(1, '2023-01-01T00:00:00.000Z') },
      { type: 'Defined', data: { indicatorId: 'services', tags: ['é'], nested: { b: 1, a: [1.5, null] } }, metadata: meta(2, '2023-02-01T00:00:00.000Z') },
    ]);
    await writer.appendToStream('sheet-b', [
      { type: 'Reached', data: 'a bare string', metadata: meta(undefined, '2023-03-01T00:00:00.000Z') },
      { type: 'Defined', data: { kpi: 'x' }, metadata: meta(1, '2023-04-01T00:00:00.000Z') },
      // The schema version elsewhere than last in the stored text, and of two digits.
      { type: 'Defined', data: { kpi: 'y' }, metadata: { schemaVersion: 1, ...meta(undefined, '2023-05-01T00:00:00.000Z') } },
      { type: 'Defined', data: { kpi: 'z' }, metadata: meta(12, '2023-06-01T00:00:00.000Z') },
    ]);
    await writer.close();
    const store = new SqliteEventStore({
      path,
      upcast: (type, schemaVersion, data) => (type === 'Defined' && schemaVersion === 1 ? { indicatorId: (data as { kpi: string }).kpi } : data),
    });
    try {
      const folded = ({ type, stream, revision, position, data, metadata }: StoredEvent) => ({ type, stream, revision, position, data, metadata: { recordedAt: metadata.recordedAt, schemaVersion: metadata.schemaVersion } });
      const all = await store.readAll();
      expect(await store.readAllFolded(0, Number.MAX_SAFE_INTEGER, 100)).toEqual(all.map(folded));
      expect(await store.readAllFolded(1, 3, 100)).toEqual(all.slice(1, 3).map(folded));
      expect(await store.readAllFolded(0, 4, 2)).toEqual(all.slice(0, 2).map(folded));
      expect((await store.readAllFolded(0, 6, 100)).map((e) => e.data)).toEqual([
        { indicatorId: 'datasets' }, { indicatorId: 'services', tags: ['é'], nested: { b: 1, a: [1.5, null] } }, 'a bare string', { indicatorId: 'x' }, { indicatorId: 'y' }, { kpi: 'z' },
      ]);
      expect((await store.readAllFolded(0, 6, 100)).map((e) => e.metadata.schemaVersion)).toEqual([1, 2, 1, 1, 1, 12]);
      expect(await store.readAllFolded(6, 10, 100)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('SqliteEventStore.readAllLogged', () => {
  it('gives what readAll gives of each event\'s place, data and record time, and its actor, whatever the metadata\'s text', async () => {
    const path = join(dir, 'logged.sqlite');
    const writer = new SqliteEventStore({ path });
    const actors = ['pilot:org-a', 'a "quoted" \\ actor', 'é€\u0001', '', 'actor'];
    await writer.appendToStream('s', actors.map((actor, i) => ({ type: 'Defined', data: { kpi: `k${i}` }, metadata: { actor, correlationId: `c${i}`, causationId: null, source: 't', schemaVersion: 1 } })));
    // The actor not first, then a duplicate member, as no writer of the tracker writes them: JSON.parse keeps the last.
    await writer.appendToStream('s', [{ type: 'Defined', data: {}, metadata: { source: 't', actor: 'second place', correlationId: 'c', causationId: null } }], { expectedRevision: actors.length - 1 });
    await writer.appendToStream('s', [{ type: 'Defined', data: {}, metadata: { actor: 'x', correlationId: 'c', causationId: null, source: 't' } }], { expectedRevision: actors.length });
    await writer.close();
    const db = new Database(path);
    const last = db.prepare('SELECT position, metadata FROM events ORDER BY position DESC LIMIT 1').get() as { position: number; metadata: string };
    db.prepare('UPDATE events SET metadata = ? WHERE position = ?').run(last.metadata.replace('{"actor":"x",', '{"actor":"first","actor":"last",'), last.position);
    db.close();

    const store = new SqliteEventStore({ path, upcast: (_type, schemaVersion, data) => (schemaVersion === 1 ? { upcast: data } : data) });
    try {
      const all = await store.readAll();
      const logged = ({ type, stream, revision, position, data, metadata }: StoredEvent) => ({ type, stream, revision, position, data, metadata: { recordedAt: metadata.recordedAt, schemaVersion: metadata.schemaVersion, actor: metadata.actor } });
      expect(await store.readAllLogged(0, 100)).toEqual(all.map(logged));
      expect((await store.readAllLogged(0, 100)).map((e) => e.metadata.actor)).toEqual([...actors, 'second place', 'last']);
      expect(await store.readAllLogged(2, 3)).toEqual(all.slice(2, 5).map(logged));
      expect(await store.readAllLogged(all.length, 10)).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

describe('SqliteEventStore.readStreamFolded', () => {
  it('gives what readStream gives of each event a fold reads, whatever the metadata\'s text says of the schema version, within revisions and record time', async () => {
    const path = join(dir, 'stream-folded.sqlite');
    const writer = new SqliteEventStore({ path });
    await writer.appendToStream('sheet-a', [
      { type: 'Defined', data: { kpi: 'v1' }, metadata: meta(1, '2023-01-01T00:00:00.000Z') },
      { type: 'Defined', data: { kpi: 'v2' }, metadata: meta(2, '2023-02-01T00:00:00.000Z') },
      { type: 'Defined', data: { kpi: 'none' }, metadata: meta(undefined, '2023-03-01T00:00:00.000Z') },
      // Not last in the stored text, then of two digits: both read by parsing the text.
      { type: 'Defined', data: { kpi: 'first' }, metadata: { schemaVersion: 1, ...meta(undefined, '2023-04-01T00:00:00.000Z') } },
      { type: 'Defined', data: { kpi: 'twelve' }, metadata: meta(12, '2023-05-01T00:00:00.000Z') },
    ]);
    await writer.appendToStream('sheet-b', [{ type: 'Defined', data: { kpi: 'other stream' }, metadata: meta(1, '2023-01-15T00:00:00.000Z') }]);
    await writer.close();
    // The store writes a schema version into every metadata; a text without one, as an older writer left it.
    const db = new Database(path);
    const third = db.prepare("SELECT position, metadata FROM events WHERE stream = 'sheet-a' AND revision = 2").get() as { position: number; metadata: string };
    db.prepare('UPDATE events SET metadata = ? WHERE position = ?').run(third.metadata.replace(',"schemaVersion":1}', '}'), third.position);
    expect(db.prepare('SELECT metadata FROM events WHERE position = ?').pluck().get(third.position)).not.toContain('schemaVersion');
    db.close();
    const seen: Array<number | undefined> = [];
    const store = new SqliteEventStore({
      path,
      upcast: (type, schemaVersion, data) => {
        seen.push(schemaVersion);
        return type === 'Defined' && schemaVersion === 1 ? { indicatorId: (data as { kpi: string }).kpi } : data;
      },
    });
    try {
      const folded = ({ type, revision, position, data, metadata }: StoredEvent) => ({ type, revision, position, data, metadata: { recordedAt: metadata.recordedAt, schemaVersion: metadata.schemaVersion } });
      const all = await store.readStream('sheet-a');
      seen.length = 0;
      expect(await store.readStreamFolded('sheet-a')).toEqual(all.map(folded));
      expect(seen).toEqual([1, 2, undefined, 1, 12]);
      expect((await store.readStreamFolded('sheet-a')).map((e) => e.data)).toEqual([
        { indicatorId: 'v1' }, { kpi: 'v2' }, { kpi: 'none' }, { indicatorId: 'first' }, { kpi: 'twelve' },
      ]);
      expect(await store.readStreamFolded('sheet-a', { fromRevision: 1, toRevision: 3 })).toEqual(all.slice(1, 4).map(folded));
      expect(await store.readStreamFolded('sheet-a', { recordedUntil: '2023-03-01T00:00:00.000Z' })).toEqual(all.slice(0, 3).map(folded));
      expect(await store.readStreamFolded('sheet-a', { fromRevision: 2, recordedUntil: '2023-04-15T00:00:00.000Z' })).toEqual(all.slice(2, 4).map(folded));
      expect(await store.readStreamFolded('sheet-c')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
