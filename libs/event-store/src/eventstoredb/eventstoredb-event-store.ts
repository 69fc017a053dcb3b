import { timeOrderedId } from '../time-ordered-id.js';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type * as EsdbClient from '@eventstore/db-client';
import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  AppendExpectedRevision,
  EventStoreDBClient,
  JSONType,
  Position,
  ReadPosition,
  ResolvedEvent,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { checkExpectedRevision, completeMetadata, normalizeInstant } from '../event-envelope.js';
import {
  DuplicateEventIdError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventMetadata,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type RawStoredEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
  type Upcaster,
} from '../event-store.port.js';
import { PollingSubscription } from '../polling-subscription.js';

export interface EventStoreDbEventStoreOptions {
  /** e.g. `esdb://localhost:2113?tls=false`. */
  connectionString: string;
  /** Longest idle wait of a subscription, and its retry delay while the server is unreachable (ms). Default 1000. */
  pollIntervalMs?: number;
  upcast?: Upcaster;
}

/** Events of `$`-prefixed streams or types belong to the server (statistics, settings, projections). */
const isSystemEvent = (stream: string, type: string): boolean => stream.startsWith('$') || type.startsWith('$');

const READ_PAGE = 500;

const requireHere = createRequire(import.meta.url);
let loadedClient: typeof EsdbClient | undefined;
/**
 * The client library, required when a store is first made: its gRPC stack costs ~120 ms of import on
 * every thread that imports this library (the API's and the projection worker's), for a store most
 * deployments never open.
 */
const esdb = (): typeof EsdbClient => (loadedClient ??= requireHere('@eventstore/db-client') as typeof EsdbClient);

/**
 * The port on EventStoreDB. The global position is the event's commit position in the server's
 * transaction log: strictly increasing but not gapless. Record time is written by this adapter
 * into the event metadata (`recordedAt`), so `recordedUntil` means the same as on SQLite and
 * survives an export and re-import. Subscriptions read `$all` from the last delivered position,
 * woken by a live server subscription used only as a doorbell; after a lost connection they retry
 * from where they stopped, so a server restart costs a delay, never an event.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly name = 'eventstoredb';
  readonly client: EventStoreDBClient;
  private readonly pollIntervalMs: number;
  private readonly upcast: Upcaster | undefined;
  /** Wakes this store's subscriptions: rung by the server's doorbell, and by notifyAppended. */
  private readonly appended = new EventEmitter();
  /** The onAppended listeners: told of the appends made through this object (and of notifyAppended). */
  private readonly committed = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();
  private doorbell: AllStreamSubscription | undefined;
  private doorbellRetry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = connect(options.connectionString);
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.upcast = options.upcast;
    this.appended.setMaxListeners(0);
    this.committed.setMaxListeners(0);
  }

  async appendToStream(
    stream: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    this.assertOpen();
    if (typeof stream !== 'string' || stream.length === 0) throw new TypeError('A stream name must be a non-empty string');
    const expected = options.expectedRevision ?? 'any';
    if (events.length === 0) {
      // Nothing to write: the expectation is still answered, from a read.
      const current = await this.streamRevision(stream);
      checkExpectedRevision(stream, expected, current);
      const last = current === -1 ? [] : await this.readStream(stream, { fromRevision: current });
      return { nextExpectedRevision: current, position: last[0]?.position ?? 0, events: [] };
    }
    const ids = new Set<string>();
    const prepared = events.map((event) => {
      const id = event.id ?? timeOrderedId();
      if (ids.has(id)) throw new DuplicateEventIdError(stream, id);
      ids.add(id);
      return { id, type: event.type, data: event.data ?? null, metadata: completeMetadata(event.metadata) };
    });

    let nextExpectedRevision: number;
    try {
      const result = await this.client.appendToStream(
        stream,
        prepared.map((event) =>
          esdb().jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: event.metadata as JSONType }),
        ),
        { expectedRevision: toExpectedRevision(expected) },
      );
      nextExpectedRevision = Number(result.nextExpectedRevision);
    } catch (error) {
      throw mapAppendError(error, stream, expected);
    }

    // Read back what was written: the server assigns positions, and an append it recognises as a
    // repeat of ids already stored is answered with the earlier events' revisions.
    const firstRevision = nextExpectedRevision - prepared.length + 1;
    const stored = await this.readStream(stream, { fromRevision: firstRevision, toRevision: nextExpectedRevision });
    const mismatch = prepared.find((event, index) => stored[index]?.id !== event.id);
    if (mismatch !== undefined) throw new DuplicateEventIdError(stream, mismatch.id);
    this.committed.emit('appended');
    return { nextExpectedRevision, position: stored[stored.length - 1]!.position, events: stored };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const from = options.fromRevision ?? 0;
    const to = options.toRevision;
    if (to !== undefined && to < from) return [];
    const until = options.recordedUntil === undefined ? undefined : normalizeInstant(options.recordedUntil, 'recordedUntil');
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(stream, {
        direction: esdb().FORWARDS,
        fromRevision: from === 0 ? esdb().START : BigInt(from),
        ...(to === undefined ? {} : { maxCount: to - from + 1 }),
      });
      for await (const resolved of read) {
        const event = this.toStoredEvent(resolved);
        if (event !== undefined && (until === undefined || event.metadata.recordedAt <= until)) events.push(event);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
    return events;
  }

  async streamRevision(stream: string): Promise<number> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readStream(stream, { direction: esdb().BACKWARDS, fromRevision: esdb().END, maxCount: 1 })) {
        if (resolved.event !== undefined) return Number(resolved.event.revision);
      }
    } catch (error) {
      if (isStreamNotFound(error)) return -1;
      throw error;
    }
    return -1;
  }

  readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return this.readAllEvents(options, true);
  }

  /**
   * The server keeps JSON and the client hands it back parsed: the text given here is that JSON
   * written out again, not upcast. For what this adapter wrote it is the text it sent (JSON.stringify
   * of a parse of JSON.stringify's output gives that output back, and toMetadata keeps the members'
   * order); other events get the metadata readAll completes for them.
   */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RawStoredEvent[]> {
    const events = await this.readAllEvents(options, false);
    return events.map(({ position, id, stream, revision, type, data, metadata }) => ({
      position,
      id,
      stream,
      revision,
      type,
      data: JSON.stringify(data),
      metadata: JSON.stringify(metadata),
    }));
  }

  onAppended(listener: () => void): () => void {
    this.committed.on('appended', listener);
    return () => this.committed.off('appended', listener);
  }

  notifyAppended(): void {
    this.appended.emit('appended');
    this.committed.emit('appended');
  }

  private async readAllEvents(options: ReadAllOptions, upcast: boolean): Promise<StoredEvent[]> {
    this.assertOpen();
    const from = options.fromPosition ?? 0;
    const limit = options.limit ?? Number.POSITIVE_INFINITY;
    const until = options.recordedUntil === undefined ? undefined : normalizeInstant(options.recordedUntil, 'recordedUntil');
    const events: StoredEvent[] = [];
    // Pages are read from the last position seen (inclusive on the server), skipping system events,
    // until enough of ours are found or the log ends.
    let cursor: ReadPosition = from === 0 ? esdb().START : toPosition(from);
    for (;;) {
      const pageSize = Number.isFinite(limit) ? Math.min(READ_PAGE, limit - events.length + 1) : READ_PAGE;
      let read = 0;
      let lastPosition: Position | undefined;
      for await (const resolved of this.client.readAll({ direction: esdb().FORWARDS, fromPosition: cursor, maxCount: pageSize })) {
        read += 1;
        lastPosition = resolved.event?.position ?? lastPosition;
        const event = this.toStoredEvent(resolved, upcast);
        if (event === undefined || event.position <= from) continue;
        if (until !== undefined && event.metadata.recordedAt > until) continue;
        if (events.length > 0 && event.position <= events[events.length - 1]!.position) continue;
        events.push(event);
        if (events.length >= limit) return events;
      }
      // A full page (at least two events) always ends past the cursor, so this advances.
      if (read < pageSize || lastPosition === undefined) return events;
      cursor = lastPosition;
    }
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    let cursor: ReadPosition = esdb().END;
    for (;;) {
      let read = 0;
      let lastPosition: Position | undefined;
      for await (const resolved of this.client.readAll({ direction: esdb().BACKWARDS, fromPosition: cursor, maxCount: READ_PAGE })) {
        read += 1;
        lastPosition = resolved.event?.position ?? lastPosition;
        const event = this.toStoredEvent(resolved);
        if (event !== undefined) return event.position;
      }
      if (read < READ_PAGE || lastPosition === undefined) return 0;
      cursor = lastPosition;
    }
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const batchSize = options.batchSize ?? 500;
    const subscription = new PollingSubscription({
      handler,
      fromPosition: options.fromPosition ?? 0,
      pollIntervalMs: this.pollIntervalMs,
      onError: options.onError,
      retryReadErrors: true,
      readBatch: (after) => this.readAll({ fromPosition: after, limit: batchSize }),
      onAppended: (wake) => {
        this.appended.on('appended', wake);
        this.ringDoorbell();
        return () => {
          this.appended.off('appended', wake);
          if (this.appended.listenerCount('appended') === 0) this.silenceDoorbell();
        };
      },
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.silenceDoorbell();
    await this.client.dispose();
  }

  /** A live subscription whose only job is to wake the readers when anything is written. */
  private ringDoorbell(): void {
    if (this.doorbell !== undefined || this.closed) return;
    const doorbell = this.client.subscribeToAll({ fromPosition: esdb().END, filter: esdb().excludeSystemEvents() });
    this.doorbell = doorbell;
    doorbell.on('data', () => this.appended.emit('appended'));
    doorbell.on('error', () => {
      // The readers poll meanwhile; the doorbell comes back once the server does.
      if (this.doorbell !== doorbell) return;
      this.doorbell = undefined;
      void doorbell.unsubscribe().catch(() => undefined);
      if (this.closed || this.appended.listenerCount('appended') === 0) return;
      this.doorbellRetry = setTimeout(() => {
        this.doorbellRetry = undefined;
        if (this.appended.listenerCount('appended') > 0) this.ringDoorbell();
      }, this.pollIntervalMs);
    });
  }

  private silenceDoorbell(): void {
    clearTimeout(this.doorbellRetry);
    this.doorbellRetry = undefined;
    const doorbell = this.doorbell;
    this.doorbell = undefined;
    if (doorbell !== undefined) void doorbell.unsubscribe().catch(() => undefined);
  }

  private toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, upcast = true): StoredEvent | undefined {
    const recorded = resolved.event;
    if (recorded === undefined || isSystemEvent(recorded.streamId, recorded.type)) return undefined;
    const position = eventPosition(recorded.position, resolved.commitPosition);
    const metadata = toMetadata(recorded.metadata, recorded.created);
    const data = recorded.isJson ? recorded.data : Buffer.from(recorded.data as Uint8Array).toString('utf8');
    return {
      id: recorded.id,
      type: recorded.type,
      stream: recorded.streamId,
      revision: Number(recorded.revision),
      position,
      data: this.upcast === undefined || !upcast ? data : this.upcast(recorded.type, metadata.schemaVersion, data),
      metadata,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

/** Parses the connection string; the client connects lazily, on its first call. */
export function connect(connectionString: string): EventStoreDBClient {
  if (typeof connectionString !== 'string' || connectionString.trim() === '') {
    throw new Error('EVENTSTORE_CONNECTION_STRING is required for the eventstoredb event store (e.g. esdb://localhost:2113?tls=false)');
  }
  try {
    return esdb().EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Invalid EventStoreDB connection string "${redact(connectionString)}": ${reason}`);
  }
}

/** Hides credentials (esdb://user:password@host) in messages. */
function redact(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}

export function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return esdb().ANY;
    case 'no_stream':
      return esdb().NO_STREAM;
    case 'stream_exists':
      return esdb().STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new TypeError(`An expected revision must be a non-negative integer or no_stream/stream_exists/any, got ${expected}`);
      }
      return BigInt(expected);
  }
}

export function mapAppendError(error: unknown, stream: string, expected: ExpectedRevision): unknown {
  if (error instanceof esdb().WrongExpectedVersionError || hasType(error, 'wrong-expected-version')) {
    const { actualVersion } = error as WrongExpectedVersionError;
    const actual = typeof actualVersion === 'bigint' ? Number(actualVersion) : -1;
    return new WrongExpectedRevisionError(stream, expected, actual);
  }
  return error;
}

/** Client errors carry a `type`; checked by value too, in case the client module is loaded twice. */
function hasType(error: unknown, type: string): boolean {
  return error !== null && typeof error === 'object' && (error as { type?: unknown }).type === type;
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof esdb().StreamNotFoundError || hasType(error, 'stream-not-found');
}

/** A global position as the server reads it: events are committed one by one, so commit = prepare. */
export function toPosition(position: number): Position {
  const value = BigInt(position);
  return { commit: value, prepare: value };
}

/**
 * The commit position of an event. Each event of a client append is committed on its own record,
 * so its commit position is unique and strictly increasing along the log.
 */
export function eventPosition(position: Position | undefined, commitPosition: bigint | undefined): number {
  if (position !== undefined && position.commit > 0n) return Number(position.commit);
  if (position !== undefined && position.prepare > 0n) return Number(position.prepare);
  if (commitPosition !== undefined && commitPosition > 0n) return Number(commitPosition);
  throw new Error('EventStoreDB returned an event without a log position (a server older than 20.10?)');
}

const METADATA_DEFAULTS: Record<string, unknown> = { actor: 'unknown', correlationId: '', causationId: null, source: 'eventstoredb' };

/**
 * Metadata of an event this adapter did not write is completed from what the server knows. The
 * stored members keep their order, the missing ones follow (readAllRaw writes the object out again).
 */
export function toMetadata(raw: unknown, created: Date): EventMetadata {
  const given = raw !== null && typeof raw === 'object' && !(raw instanceof Uint8Array) ? (raw as Record<string, unknown>) : {};
  const metadata: Record<string, unknown> = { ...given };
  for (const key of Object.keys(METADATA_DEFAULTS)) if (!Object.hasOwn(metadata, key)) metadata[key] = METADATA_DEFAULTS[key];
  if (typeof metadata.recordedAt !== 'string') metadata.recordedAt = created.toISOString();
  if (typeof metadata.schemaVersion !== 'number') metadata.schemaVersion = 1;
  return metadata as EventMetadata;
}
