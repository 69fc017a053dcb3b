import { dirname, join } from 'node:path';

/**
 * Every file the tracker keeps in its data directory. One place names them, so that the API, the
 * workers and the CLI of the same DATA_DIR always open the same files. Two of them follow the event
 * store when EVENT_STORE_PATH puts it elsewhere (processes sharing one store): the log itself, and
 * the idempotency answers next to it, which every node of that store must see.
 */
export interface DataFiles {
  /** The embedded event log (EVENT_STORE=sqlite): EVENT_STORE_PATH, or in the data directory. */
  events: string;
  /** The read models and their checkpoints (also the projector's processed event ids). */
  readModels: string;
  /** Aggregate snapshots, a cache the log can always rebuild. */
  snapshots: string;
  /** Token hashes and revocations of earlier releases, imported once into the access log. */
  auth: string;
  /** The audit hash chain over the log. */
  eventHashes: string;
  /** The Kafka relay's checkpoint. */
  relay: string;
  /** Answers given to writes sent with an Idempotency-Key: next to the event log, shared with it. */
  idempotency: string;
}

export function dataFiles(dataDir: string, eventStorePath = join(dataDir, 'events.sqlite')): DataFiles {
  return {
    events: eventStorePath,
    readModels: join(dataDir, 'read-models.sqlite'),
    snapshots: join(dataDir, 'snapshots.sqlite'),
    auth: join(dataDir, 'auth.sqlite'),
    eventHashes: join(dataDir, 'event-hashes.sqlite'),
    relay: join(dataDir, 'relay.sqlite'),
    idempotency: join(dirname(eventStorePath), 'idempotency.sqlite'),
  };
}
