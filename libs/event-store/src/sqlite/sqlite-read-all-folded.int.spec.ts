import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../event-store.port.js';
import { SqliteEventStore } from './sqlite-event-store.js';

describe('SqliteEventStore.readAllFolded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-read-all-folded-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives what readAll gives of each event: stream, type, revision, position, data upcast, record time, schema version, up to the bound', async () => {
    const path = join(dir, 'events.sqlite');
    const writer = new SqliteEventStore({ path });
    const meta = (schemaVersion: number | undefined, recordedAt: string) => ({ actor: 'a', correlationId: 'c', causationId: null, source: 't', recordedAt, ...(schemaVersion === undefined ? {} : { schemaVersion }) });
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
