import type {
  AppendResult,
  EventStore,
  ExclusiveAppend,
  ExpectedRevision,
  FoldedEvent,
  NewEvent,
  RawStoredEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.port.js';

/** What an InstrumentedEventStore reports, to whatever metrics library the application uses. */
export interface EventStoreMetrics {
  /** An append resolved: its events (none for an empty append) are stored. */
  appended(stream: string, result: AppendResult): void;
  /** An append was refused (a WrongExpectedRevisionError for a conflict) or failed. */
  appendFailed(stream: string, error: unknown): void;
}

/**
 * The store it wraps, with its appends reported to `metrics`. Every method and every optional
 * capability the wrapped store has is forwarded, and only those: a caller's `store.readAllRaw?.(…)`
 * finds the same capabilities as on the wrapped store.
 */
export class InstrumentedEventStore implements EventStore {
  readonly name: string;
  readonly knownRevision?: (stream: string) => number | undefined;
  readonly readAllRaw?: (options?: ReadAllOptions) => Promise<RawStoredEvent[]>;
  readonly readStreamFolded?: (stream: string, options?: ReadStreamOptions) => Promise<FoldedEvent[]>;
  readonly onAppended?: (listener: () => void) => () => void;
  readonly notifyAppended?: () => void;
  readonly appendExclusive?: (stream: string, prepare: () => Promise<ExclusiveAppend>) => Promise<AppendResult>;
  readonly sqlitePath?: string;

  constructor(
    private readonly inner: EventStore,
    private readonly metrics: EventStoreMetrics,
  ) {
    this.name = inner.name;
    if (inner.knownRevision) this.knownRevision = (stream) => inner.knownRevision!(stream);
    if (inner.readAllRaw) this.readAllRaw = (options) => inner.readAllRaw!(options);
    if (inner.readStreamFolded) this.readStreamFolded = (stream, options) => inner.readStreamFolded!(stream, options);
    if (inner.onAppended) this.onAppended = (listener) => inner.onAppended!(listener);
    if (inner.notifyAppended) this.notifyAppended = () => inner.notifyAppended!();
    if (inner.sqlitePath !== undefined) this.sqlitePath = inner.sqlitePath;
    if (inner.appendExclusive) this.appendExclusive = (stream, prepare) => this.reported(stream, inner.appendExclusive!(stream, prepare));
  }

  appendToStream(stream: string, events: NewEvent[], options?: { expectedRevision?: ExpectedRevision }): Promise<AppendResult> {
    return this.reported(stream, this.inner.appendToStream(stream, events, options));
  }

  private reported(stream: string, appending: Promise<AppendResult>): Promise<AppendResult> {
    return appending.then(
      (result) => {
        this.metrics.appended(stream, result);
        return result;
      },
      (error: unknown) => {
        this.metrics.appendFailed(stream, error);
        throw error;
      },
    );
  }

  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.inner.readStream(stream, options);
  }

  streamRevision(stream: string): Promise<number> {
    return this.inner.streamRevision(stream);
  }

  readAll(options?: ReadAllOptions): Promise<StoredEvent[]> {
    return this.inner.readAll(options);
  }

  headPosition(): Promise<number> {
    return this.inner.headPosition();
  }

  subscribeToAll(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription {
    return this.inner.subscribeToAll(handler, options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
