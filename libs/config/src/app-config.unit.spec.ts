import { describe, expect, it } from '@jest/globals';
import { join, resolve } from 'node:path';
import { ConfigError, loadConfig } from './app-config.js';
import { dataFiles } from './data-files.js';

describe('where the embedded store lives, and what a node does', () => {
  it('keeps the store in DATA_DIR unless EVENT_STORE_PATH names a file that other processes may share', () => {
    const alone = loadConfig({ DATA_DIR: '/srv/a' });
    expect(alone.eventStorePath).toBe(join(resolve('/srv/a'), 'events.sqlite'));
    expect(dataFiles(alone.dataDir, alone.eventStorePath).idempotency).toBe(join(resolve('/srv/a'), 'idempotency.sqlite'));
    const shared = loadConfig({ DATA_DIR: '/srv/a', EVENT_STORE_PATH: '/srv/shared/log.sqlite' });
    const files = dataFiles(shared.dataDir, shared.eventStorePath);
    expect(files.events).toBe(resolve('/srv/shared/log.sqlite'));
    // Idempotency answers follow the store (every node of it must see them); read models stay the node's.
    expect(files.idempotency).toBe(resolve('/srv/shared/idempotency.sqlite'));
    expect(files.readModels).toBe(join(resolve('/srv/a'), 'read-models.sqlite'));
  });

  it('ROLE is all (default) or query; EVENT_STORE_PATH only with the embedded store', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ ROLE: 'query' }).role).toBe('query');
    expect(() => loadConfig({ ROLE: 'reader' })).toThrow(ConfigError);
    expect(() => loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false', EVENT_STORE_PATH: '/x.sqlite' })).toThrow(/EVENT_STORE_PATH/);
  });

  it('READ_MODEL_QUERY_CACHE_MB sizes the query connection\'s page cache: 4 MB unless set, a whole number of MB from 1', () => {
    expect(loadConfig({}).readModelQueryCacheMb).toBe(4);
    expect(loadConfig({ READ_MODEL_QUERY_CACHE_MB: '16' }).readModelQueryCacheMb).toBe(16);
    expect(() => loadConfig({ READ_MODEL_QUERY_CACHE_MB: '0' })).toThrow(/READ_MODEL_QUERY_CACHE_MB/);
    expect(() => loadConfig({ READ_MODEL_QUERY_CACHE_MB: '2.5' })).toThrow(/READ_MODEL_QUERY_CACHE_MB/);
  });

  it('READ_MODEL_WRITE_CACHE_MB sizes the projection worker\'s writing connection\'s page cache: 8 MB unless set, a whole number of MB from 1', () => {
    expect(loadConfig({}).readModelWriteCacheMb).toBe(8);
    expect(loadConfig({ READ_MODEL_WRITE_CACHE_MB: '3' }).readModelWriteCacheMb).toBe(3);
    expect(() => loadConfig({ READ_MODEL_WRITE_CACHE_MB: '0' })).toThrow(/READ_MODEL_WRITE_CACHE_MB/);
    expect(() => loadConfig({ READ_MODEL_WRITE_CACHE_MB: 'eight' })).toThrow(/READ_MODEL_WRITE_CACHE_MB/);
  });

  it('SQLITE_CACHE_MB sizes the page cache of the other SQLite connections: 2 MB unless set, a whole number of MB from 1', () => {
    expect(loadConfig({}).sqliteCacheMb).toBe(2);
    expect(loadConfig({ SQLITE_CACHE_MB: '16' }).sqliteCacheMb).toBe(16);
    expect(() => loadConfig({ SQLITE_CACHE_MB: '0' })).toThrow(/SQLITE_CACHE_MB/);
    expect(() => loadConfig({ SQLITE_CACHE_MB: '1.5' })).toThrow(/SQLITE_CACHE_MB/);
  });
});
