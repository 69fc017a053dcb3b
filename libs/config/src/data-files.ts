import { join } from 'node:path';

/**
 * Every file the tracker keeps in its data directory. One place names them, so that the API, the
 * workers and the CLI of the same DATA_DIR always open the same files.
 */
export interface DataFiles {
  /** The embedded event log (EVENT_STORE=sqlite). */
  events: string;
  /** The read models and their checkpoints (also the projector's processed event ids). */
  readModels: string;
  /** Aggregate snapshots, a cache the log can always rebuild. */
  snapshots: string;
  /** Token hashes and revocations. */
  auth: string;
  /** The audit hash chain over the log. */
  eventHashes: string;
  /** The Kafka relay's checkpoint. */
  relay: string;
  /** Answers given to writes sent with an Idempotency-Key. */
  idempotency: string;
}

export function dataFiles(dataDir: string): DataFiles {
  return {
    events: join(dataDir, 'events.sqlite'),
    readModels: join(dataDir, 'read-models.sqlite'),
    snapshots: join(dataDir, 'snapshots.sqlite'),
    auth: join(dataDir, 'auth.sqlite'),
    eventHashes: join(dataDir, 'event-hashes.sqlite'),
    relay: join(dataDir, 'relay.sqlite'),
    idempotency: join(dataDir, 'idempotency.sqlite'),
  };
}
