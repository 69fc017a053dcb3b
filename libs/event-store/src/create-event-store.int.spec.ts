import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createEventStore } from './create-event-store.js';

describe('createEventStore', () => {
  it('opens <dataDir>/events.sqlite for sqlite, creating the directory', async () => {
    const root = await mkdtemp(join(tmpdir(), 'scoran-create-'));
    const dataDir = join(root, 'nested', 'data');
    const store = createEventStore({ eventStore: 'sqlite', dataDir });
    try {
      expect(store.name).toBe('sqlite');
      await store.appendToStream('roadmap-scoran', [
        { type: 'RoadmapDrafted', data: {}, metadata: { actor: 'a', correlationId: 'c', causationId: null, source: 's' } },
      ]);
      expect(existsSync(join(dataDir, 'events.sqlite'))).toBe(true);
    } finally {
      await store.close();
      await rm(root, { recursive: true, force: true });
    }
  });

  it('builds the EventStoreDB adapter from the connection string, and requires one', async () => {
    const store = createEventStore({ eventStore: 'eventstoredb', dataDir: '/unused', eventStoreConnectionString: 'esdb://localhost:2113?tls=false' });
    expect(store.name).toBe('eventstoredb');
    await store.close();
    expect(() => createEventStore({ eventStore: 'eventstoredb', dataDir: '/unused' })).toThrow('EVENTSTORE_CONNECTION_STRING is required');
  });

  it('names the accepted values for an unknown kind', () => {
    expect(() => createEventStore({ eventStore: 'postgres' as never, dataDir: '/unused' })).toThrow('expected sqlite or eventstoredb');
  });
});
