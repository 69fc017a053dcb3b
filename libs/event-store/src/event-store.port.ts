/**
 * The event-store port. Every adapter (SQLite, EventStoreDB) implements it and passes the same
 * contract suite (tests/support/event-store-contract.ts).
 */

/** Metadata recorded with every event. `recordedAt` is the record-time axis (ISO 8601, UTC). */
export interface EventMetadata {
  recordedAt: string;
  actor: string;
  correlationId: string;
  causationId: string | null;
  source: string;
  schemaVersion: number;
  [key: string]: unknown;
}

/** What a caller appends: the store assigns id (unless given), revision, position and recordedAt. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  id?: string;
  type: Type;
  data: Data;
  metadata: Omit<EventMetadata, 'recordedAt' | 'schemaVersion'> & { schemaVersion?: number; recordedAt?: string };
}

/**
 * What a fold of a stream reads of an event: its data (upcast), its place, and of its metadata only
 * the record time and the schema version. A StoredEvent is one.
 */
export interface FoldedEvent<Type extends string = string, Data = unknown> {
  type: Type;
  revision: number;
  position: number;
  data: Data;
  metadata: Pick<EventMetadata, 'recordedAt' | 'schemaVersion'>;
}

/** A FoldedEvent with its stream: what a replay of the whole log into a read model that needs no more reads (readAllFolded). */
export interface FoldedLogEvent<Type extends string = string, Data = unknown> extends FoldedEvent<Type, Data> {
  stream: string;
}

/**
 * A FoldedLogEvent with who recorded it: what the read models of the whole log read of an event
 * (the feed names the actor). Read by readAllLogged without parsing the rest of the metadata.
 */
export interface LoggedEvent<Type extends string = string, Data = unknown> extends FoldedLogEvent<Type, Data> {
  metadata: Pick<EventMetadata, 'recordedAt' | 'schemaVersion' | 'actor'>;
}

/** The envelope of a stored event. */
export interface StoredEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  stream: string;
  /** 0-based index of the event in its stream. */
  revision: number;
  /** Global position, strictly increasing in commit order across all streams (positive; SQLite: 1, 2, 3… without gaps). */
  position: number;
  data: Data;
  metadata: EventMetadata;
}

/** `no_stream`: the stream must not exist; `stream_exists`: it must; `any`: no check; a number: the stream's current revision. */
export type ExpectedRevision = 'no_stream' | 'stream_exists' | 'any' | number;

export interface AppendResult {
  /** Revision of the last event written (the stream's new revision). */
  nextExpectedRevision: number;
  /** Global position of the last event written. */
  position: number;
  events: StoredEvent[];
}

export interface ReadStreamOptions {
  fromRevision?: number;
  /** Inclusive. */
  toRevision?: number;
  /** Only events recorded at or before this instant (record time, ISO 8601). */
  recordedUntil?: string;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > fromPosition. Default 0 (from the start). */
  fromPosition?: number;
  limit?: number;
  recordedUntil?: string;
}

export interface SubscribeOptions {
  /** Exclusive, like readAll. */
  fromPosition?: number;
  /** Batch size for catch-up reads. */
  batchSize?: number;
  /**
   * Called when the handler throws, or a read fails where the adapter does not retry it (SQLite): the subscription then stops (the failed batch is not marked
   * delivered, so resuming from the last delivered position retries it) and pending waitFor calls reject.
   */
  onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Stops the subscription; resolves once no handler runs any more. */
  stop(): Promise<void>;
  /** Resolves once the subscription has delivered every event up to `position`. */
  waitFor(position: number, timeoutMs?: number): Promise<void>;
}

/** Called with events in position order; the next batch is delivered only after the promise resolves. */
export type SubscriptionHandler = (events: StoredEvent[]) => Promise<void> | void;

export interface EventStore {
  readonly name: string;
  /**
   * Appends atomically: all events or none. Resolves only once the events are durable.
   * Rejects with WrongExpectedRevisionError when the expectation does not hold.
   */
  appendToStream(stream: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult>;
  /** Events of one stream in revision order; [] when the stream does not exist. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Current revision of a stream, or -1 when it does not exist. */
  streamRevision(stream: string): Promise<number>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /** Position of the last stored event (0 when the store is empty). */
  headPosition(): Promise<number>;
  /** Catch-up subscription to all events after `fromPosition`, then live ones. */
  subscribeToAll(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;
  close(): Promise<void>;

  // Optional capabilities: a caller tests for presence (`store.readAllRaw?.(…)`), never for a class,
  // so that a decorator (InstrumentedEventStore) stands in for the store it wraps.

  /**
   * Synchronous: the stream's revision when this store knows it without reading, i.e. it wrote the
   * stream's last event itself and nothing else has written to the store since; undefined when it
   * cannot vouch for it (then read). SQLite only: EventStoreDB cannot tell that nobody else wrote.
   */
  knownRevision?(stream: string): number | undefined;
  /**
   * Like readAll, with data and metadata as the JSON text stored, not upcast: what an export or a hash
   * chain needs (an audit looks at what was written, not at today's reading of it).
   */
  readAllRaw?(options?: ReadAllOptions): Promise<RawStoredEvent[]>;
  /**
   * Like readStream, each event with only what a fold reads (FoldedEvent): neither id nor stream, and
   * of the metadata only record time and schema version, so that a query folding a few dozen events
   * does not parse the rest of each envelope.
   */
  readStreamFolded?(stream: string, options?: ReadStreamOptions): Promise<FoldedEvent[]>;
  /**
   * Calls `listener` after each commit through this store object that wrote events, once they are
   * durable and readable (so before the appender's `await` returns), and when `notifyAppended` is called;
   * returns the function that stops it. Appends made elsewhere are not reported: a reader in another
   * thread is told this way instead of waiting for its next poll.
   */
  onAppended?(listener: () => void): () => void;
  /** Events were written through another connection (another thread): subscriptions and onAppended listeners of this store are woken now. */
  notifyAppended?(): void;
  /**
   * Appends what `prepare` returns while no other writer, in this process or another, can append to
   * the store: whatever `prepare` reads through this store is still the head when the events commit,
   * so the append cannot lose a race on its expected revision. For a command that already lost one:
   * retried optimistically, it can lose again and again to a writer in another process that keeps
   * winning (SQLite files only; the file's write lock is held while `prepare` runs, so `prepare` must
   * not wait for an append to this store: that append commits only after `prepare` returns).
   */
  appendExclusive?(stream: string, prepare: () => Promise<ExclusiveAppend>): Promise<AppendResult>;
  /**
   * The SQLite file that holds the log, when the store is one: another thread of this process can
   * read the same log by opening its own store on it (a rebuild of the read models splits its
   * projections over two threads that way).
   */
  readonly sqlitePath?: string;
}

/** What an exclusive append writes: the events, and the revision they were decided on. */
export interface ExclusiveAppend {
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
}

export class WrongExpectedRevisionError extends Error {
  readonly code = 'wrong_expected_revision';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedRevision,
    readonly actual: number,
  ) {
    super(`Stream ${stream}: expected revision ${String(expected)}, actual ${actual === -1 ? 'no stream' : actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

/** Thrown when an append carries an event id already stored (or twice in the same append): nothing is written. */
export class DuplicateEventIdError extends Error {
  readonly code = 'duplicate_event_id';
  constructor(
    readonly stream: string,
    readonly eventId: string,
  ) {
    super(`Stream ${stream}: an event with id ${eventId} is already stored`);
    this.name = 'DuplicateEventIdError';
  }
}

/** An event as stored, its data and metadata left as the JSON text written (for exports and hash chains). */
export interface RawStoredEvent {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
}

/**
 * Turns the data of an old schema version into the current shape, on read; stored events are never
 * rewritten. `owned`: the reader has just parsed `data` and nothing else holds it, so the upcaster
 * may change it in place and return it; otherwise it must leave `data` as it is.
 */
export type Upcaster = (type: string, schemaVersion: number, data: unknown, owned?: boolean) => unknown;

export const EVENT_STORE = Symbol('EVENT_STORE');
