import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { dataFiles } from '#config';
import type { EventStore, Upcaster } from './event-store.port.js';
import { EventStoreDbEventStore } from './eventstoredb/eventstoredb-event-store.js';
import { SqliteEventStore } from './sqlite/sqlite-event-store.js';

export interface EventStoreConfig {
  eventStore: 'sqlite' | 'eventstoredb';
  /** SQLite keeps its file here (see `dataFiles`), unless `eventStorePath` names another. */
  dataDir: string;
  /** The SQLite file, which several processes may share (each keeping its own read models). */
  eventStorePath?: string;
  /** Required for `eventstoredb`, e.g. `esdb://localhost:2113?tls=false`. */
  eventStoreConnectionString?: string;
  upcast?: Upcaster;
  /** Idle subscriptions look for writes made elsewhere this often (ms); each adapter has its default. */
  pollIntervalMs?: number;
  /** SQLite's page cache of the embedded store's connection, in MB (libs/config: SQLITE_CACHE_MB). */
  cacheMb?: number;
}

/** The event store the configuration asks for; the embedded SQLite one unless told otherwise. */
export function createEventStore(config: EventStoreConfig): EventStore {
  switch (config.eventStore) {
    case 'sqlite': {
      const path = config.eventStorePath ?? dataFiles(config.dataDir).events;
      mkdirSync(dirname(path), { recursive: true });
      return new SqliteEventStore({
        path,
        upcast: config.upcast,
        pollIntervalMs: config.pollIntervalMs,
        cacheMb: config.cacheMb,
      });
    }
    case 'eventstoredb':
      return new EventStoreDbEventStore({
        connectionString: config.eventStoreConnectionString ?? '',
        upcast: config.upcast,
        pollIntervalMs: config.pollIntervalMs,
      });
    default:
      throw new Error(`Unknown event store "${String(config.eventStore)}": expected sqlite or eventstoredb`);
  }
}
