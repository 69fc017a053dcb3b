import { timeOrderedId } from '../time-ordered-id.js';
import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, fsync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import { checkExpectedRevision, completeMetadata, normalizeInstant } from '../event-envelope.js';
import {
  DuplicateEventIdError,
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

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' (a private in-memory database, nothing shared or durable). */
  path: string;
  /** How often idle subscriptions look for events written by another process (ms). Default 250. */
  pollIntervalMs?: number;
  /** Applied to every event read back; stored events are never rewritten. */
  upcast?: Upcaster;
  /** How long a writer waits for another process's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** The fsync used on the WAL file (tests slow it down or make it fail); node:fs's by default. */
  fsync?: (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;
}

/** Counters that show the group commit at work (one commit = one transaction = one fsync of the WAL). */
export interface SqliteEventStoreStats {
  commits: number;
  appends: number;
  events: number;
}

/** Row as selected in raw (array) mode: the column order of SELECT_COLUMNS. */
type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

const SELECT_COLUMNS = 'position, id, stream, revision, type, data, metadata';

interface SyncWaiter {
  /** First position the commit wrote: until it is synced, this store's subscriptions stop below it. */
  firstPosition: number;
  done: () => void;
  fail: (error: unknown) => void;
}

interface PendingAppend {
  stream: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * The embedded event store: one SQLite file in WAL mode; an append resolves only once it is on disk.
 * Appends issued together are written by one transaction (group commit): each keeps its own
 * expected-revision check and its own all-or-nothing effect through a savepoint, while the batch
 * pays a single fsync.
 *
 * Where the fsync happens: SQLite's `synchronous = FULL` would fsync the WAL inside the commit, on
 * the calling thread, which in the API is the request thread (half of the commit's time under load).
 * The connection runs with `synchronous = NORMAL` instead (SQLite then syncs only around checkpoints
 * and when the WAL is reused), and after each commit the store fsyncs the WAL file itself on libuv's
 * thread pool. Appends are resolved, and subscribers woken, only when that fsync has returned, so
 * what is acknowledged is exactly as durable as with FULL: the commit frame is on disk, and recovery
 * replays the WAL up to the last valid commit. Meanwhile the thread goes on parsing and deciding, and
 * commits made while one fsync runs are covered by the next one (group sync).
 */
export class SqliteEventStore implements EventStore {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private readonly pollIntervalMs: number;
  private readonly upcast: Upcaster | undefined;
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<PollingSubscription>();
  private readonly counters: SqliteEventStoreStats = { commits: 0, appends: 0, events: 0 };
  private queue: PendingAppend[] = [];
  /** Revisions this connection wrote last, valid while no other connection writes (see knownRevision). */
  private readonly written = new Map<string, number>();
  private seenDataVersion = -1;
  private readonly selectDataVersion: Database.Statement;
  private flushScheduled = false;
  private closed = false;
  /** WAL durability (see the class comment). */
  private readonly walPath: string | null;
  private walFd: number | null = null;
  private readonly fsyncWal: NonNullable<SqliteEventStoreOptions['fsync']>;
  private syncing: Promise<void> | null = null;
  private awaitingSync: SyncWaiter[] = [];
  private syncingGroup: SyncWaiter[] = [];

  private readonly insertEvent: Database.Statement;
  private readonly selectStreamHead: Database.Statement;
  private readonly selectStreamHeadPosition: Database.Statement;
  private readonly selectHead: Database.Statement;
  private readonly selectStream: Database.Statement;
  private readonly selectStreamUntil: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectAllUntil: Database.Statement;
  private readonly selectAllBelow: Database.Statement;
  private readonly writeBatch: (batch: PendingAppend[]) => Array<AppendResult | Error>;
  private readonly writeOne: (append: PendingAppend) => AppendResult;

  constructor(options: SqliteEventStoreOptions) {
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    this.upcast = options.upcast;
    this.appended.setMaxListeners(0);
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.walPath = this.db.memory ? null : `${this.db.name}-wal`;
    this.fsyncWal = options.fsync ?? fsync;
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
    // AUTOINCREMENT: a position once handed out is never reused, even if the tail were removed by hand,
    // so a consumer's checkpoint can never point past a different event.
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS events (
        position    INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT    NOT NULL UNIQUE,
        stream      TEXT    NOT NULL,
        revision    INTEGER NOT NULL,
        type        TEXT    NOT NULL,
        data        TEXT    NOT NULL,
        metadata    TEXT    NOT NULL,
        recorded_at TEXT    NOT NULL,
        UNIQUE (stream, revision)
      );
    `);

    this.insertEvent = this.db.prepare(
      'INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectStreamHead = this.db.prepare('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
    this.selectStreamHeadPosition = this.db
      .prepare('SELECT position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1')
      .pluck();
    this.selectHead = this.db.prepare('SELECT MAX(position) FROM events').pluck();
    this.selectDataVersion = this.db.prepare('PRAGMA data_version').pluck();
    this.seenDataVersion = this.selectDataVersion.get() as number;
    this.selectStream = this.db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE stream = ? AND revision BETWEEN ? AND ? ORDER BY revision`)
      .raw();
    this.selectStreamUntil = this.db
      .prepare(
        `SELECT ${SELECT_COLUMNS} FROM events WHERE stream = ? AND revision BETWEEN ? AND ? AND recorded_at <= ? ORDER BY revision`,
      )
      .raw();
    this.selectAll = this.db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
      .raw();
    this.selectAllBelow = this.db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?`)
      .raw();
    this.selectAllUntil = this.db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? AND recorded_at <= ? ORDER BY position LIMIT ?`)
      .raw();

    // Nested inside writeBatch, better-sqlite3 runs this as a SAVEPOINT: a failing append rolls back alone.
    // A single-event append needs none: its checks run before its one INSERT, which is atomic by itself.
    const inSavepoint = this.db.transaction((append: PendingAppend) => this.writeAppend(append));
    this.writeOne = (append) => (append.events.length > 1 ? inSavepoint(append) : this.writeAppend(append));
    const batchTransaction = this.db.transaction((batch: PendingAppend[]) =>
      batch.map((append) => {
        try {
          return this.writeOne(append);
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      }),
    );
    // IMMEDIATE takes the write lock up front, so the revision checks read what the commit will follow.
    this.writeBatch = (batch) => batchTransaction.immediate(batch);
  }

  /** Transactions committed, appends and events written since this store was opened. */
  get stats(): Readonly<SqliteEventStoreStats> {
    return { ...this.counters };
  }

  /** The settings that make a resolved append durable, as this connection reports them. */
  durabilitySettings(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra'; walFsyncBeforeAck: boolean } {
    const journalMode = this.db.pragma('journal_mode', { simple: true }) as string;
    const level = this.db.pragma('synchronous', { simple: true }) as number;
    return { journalMode, synchronous: (['off', 'normal', 'full', 'extra'] as const)[level] ?? 'off', walFsyncBeforeAck: this.walPath !== null };
  }

  appendToStream(
    stream: string,
    events: NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('The event store is closed'));
    if (typeof stream !== 'string' || stream.length === 0) {
      return Promise.reject(new TypeError('A stream name must be a non-empty string'));
    }
    if (!Array.isArray(events)) return Promise.reject(new TypeError('events must be an array'));
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expectedRevision: options.expectedRevision ?? 'any', resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const from = options.fromRevision ?? 0;
    const to = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    const rows = (
      options.recordedUntil === undefined
        ? this.selectStream.all(stream, from, to)
        : this.selectStreamUntil.all(stream, from, to, normalizeInstant(options.recordedUntil, 'recordedUntil'))
    ) as Row[];
    return rows.map((row) => this.toStoredEvent(row));
  }

  /**
   * SQLite's data_version changes whenever another connection (thread or process) commits to the
   * file; while it has not, the revisions this connection wrote are still the streams' heads.
   */
  knownRevision(stream: string): number | undefined {
    if (this.closed) return undefined;
    const version = this.selectDataVersion.get() as number;
    if (version !== this.seenDataVersion) {
      this.written.clear();
      this.seenDataVersion = version;
    }
    return this.written.get(stream);
  }

  async streamRevision(stream: string): Promise<number> {
    this.assertOpen();
    return this.currentRevision(stream);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.readAllRows(options).map((row) => this.toStoredEvent(row));
  }

  /**
   * The stored text of events, unparsed and not upcast: what an export or a hash chain needs,
   * byte for byte as written.
   */
  async readAllRaw(options: ReadAllOptions = {}): Promise<RawStoredEvent[]> {
    this.assertOpen();
    return this.readAllRows(options).map(([position, id, stream, revision, type, data, metadata]) => ({
      position,
      id,
      stream,
      revision,
      type,
      data,
      metadata,
    }));
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.currentHead();
  }

  /**
   * Calls `listener` after every commit that wrote events through this connection; returns the
   * function that stops it. A reader in another thread or process is told this way instead of
   * waiting for its next poll.
   */
  onAppended(listener: () => void): () => void {
    this.appended.on('appended', listener);
    return () => this.appended.off('appended', listener);
  }

  /** Wakes this store's subscriptions now: events were written through another connection. */
  notifyAppended(): void {
    this.appended.emit('appended');
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const batchSize = options.batchSize ?? 500;
    const subscription = new PollingSubscription({
      handler,
      fromPosition: options.fromPosition ?? 0,
      pollIntervalMs: this.pollIntervalMs,
      onError: options.onError,
      readBatch: async (after) => {
        this.assertOpen();
        const ceiling = this.durableCeiling();
        const rows = (ceiling === Number.MAX_SAFE_INTEGER
          ? this.selectAll.all(after, batchSize)
          : this.selectAllBelow.all(after, ceiling, batchSize)) as Row[];
        return rows.map((row) => this.toStoredEvent(row));
      },
      onAppended: (wake) => this.onAppended(wake),
      onStopped: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Appends already accepted are written before the file is closed.
    if (this.queue.length > 0) this.flush();
    this.closed = true;
    // ...and acknowledged once on disk.
    while (this.syncing) await this.syncing;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    this.db.close();
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    try {
      outcomes = this.writeBatch(batch);
    } catch (error) {
      // The whole transaction failed (I/O error, lock timeout): nothing was written.
      for (const append of batch) append.reject(error);
      return;
    }
    this.counters.commits += 1;
    let written = false;
    let firstPosition = Number.MAX_SAFE_INTEGER;
    batch.forEach((append, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error) return;
      if (outcome.events.length > 0) {
        written = true;
        firstPosition = Math.min(firstPosition, outcome.events[0]!.position);
        if (this.written.size >= 10_000) this.written.clear();
        this.written.set(append.stream, outcome.nextExpectedRevision);
      }
    });
    const settle = (syncError?: unknown) => {
      batch.forEach((append, index) => {
        const outcome = outcomes[index]!;
        if (outcome instanceof Error) append.reject(outcome);
        else if (syncError !== undefined && outcome.events.length > 0) {
          append.reject(new Error(`the events were written but the disk did not confirm them (fsync of the WAL failed: ${errorMessage(syncError)})`));
        } else {
          this.counters.appends += 1;
          this.counters.events += outcome.events.length;
          append.resolve(outcome);
        }
      });
      if (written && syncError === undefined) this.appended.emit('appended');
    };
    if (!written || this.walPath === null) settle();
    else this.afterWalSync({ firstPosition, done: () => settle(), fail: (error) => settle(error) });
  }

  /** Runs `done` once the WAL, as committed so far, is on disk: one fsync covers every commit made before it starts. */
  private afterWalSync(waiter: SyncWaiter): void {
    this.awaitingSync.push(waiter);
    if (!this.syncing) this.syncing = this.syncWal();
  }

  /**
   * Subscriptions of this store deliver only what is on disk: they stop below the first position of
   * the oldest commit still waiting for its fsync (a Kafka topic or a read model must never hold an
   * event that a power cut could take back from the log).
   */
  private durableCeiling(): number {
    const first = this.syncingGroup[0] ?? this.awaitingSync[0];
    return first === undefined ? Number.MAX_SAFE_INTEGER : first.firstPosition;
  }

  private async syncWal(): Promise<void> {
    while (this.awaitingSync.length > 0) {
      const group = this.awaitingSync;
      this.awaitingSync = [];
      this.syncingGroup = group;
      let failure: unknown;
      try {
        const fd = this.openWal();
        await new Promise<void>((resolve, reject) => this.fsyncWal(fd, (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        failure = error;
      }
      this.syncingGroup = [];
      for (const waiter of group) {
        if (failure === undefined) waiter.done();
        else waiter.fail(failure);
      }
    }
    this.syncing = null;
  }

  /** The WAL file, opened once; opened again if it was ever removed and created anew (fsync must reach the live file). */
  private openWal(): number {
    if (this.walFd !== null && fstatSync(this.walFd).nlink === 0) {
      closeSync(this.walFd);
      this.walFd = null;
    }
    this.walFd ??= openSync(this.walPath!, 'r');
    return this.walFd;
  }

  /** Runs inside a savepoint of the batch transaction; throwing rolls back this append only. */
  private writeAppend(append: PendingAppend): AppendResult {
    const { stream, events, expectedRevision } = append;
    const current = this.currentRevision(stream);
    checkExpectedRevision(stream, expectedRevision, current);
    if (events.length === 0) {
      return {
        nextExpectedRevision: current,
        position: current === -1 ? 0 : (this.selectStreamHeadPosition.get(stream) as number),
        events: [],
      };
    }
    const stored: StoredEvent[] = [];
    const seen = new Set<string>();
    let revision = current;
    let position = 0;
    for (const event of events) {
      const id = event.id ?? timeOrderedId();
      if (seen.has(id)) throw new DuplicateEventIdError(stream, id);
      seen.add(id);
      revision += 1;
      const metadata = completeMetadata(event.metadata);
      const data = JSON.stringify(event.data ?? null);
      let info: Database.RunResult;
      try {
        info = this.insertEvent.run(id, stream, revision, event.type, data, JSON.stringify(metadata), metadata.recordedAt);
      } catch (error) {
        if (isUniqueIdViolation(error)) throw new DuplicateEventIdError(stream, id);
        throw error;
      }
      position = Number(info.lastInsertRowid);
      stored.push({
        id,
        type: event.type,
        stream,
        revision,
        position,
        // Hand back what a reader would get: a fresh copy, upcast like any read.
        data: this.applyUpcast(event.type, metadata.schemaVersion, JSON.parse(data)),
        metadata,
      });
    }
    return { nextExpectedRevision: revision, position, events: stored };
  }

  private readAllRows(options: ReadAllOptions): Row[] {
    const from = options.fromPosition ?? 0;
    const limit = options.limit ?? -1; // SQLite: a negative LIMIT means no limit
    return (
      options.recordedUntil === undefined
        ? this.selectAll.all(from, limit)
        : this.selectAllUntil.all(from, normalizeInstant(options.recordedUntil, 'recordedUntil'), limit)
    ) as Row[];
  }

  private currentRevision(stream: string): number {
    const revision = this.selectStreamHead.get(stream) as number | null;
    return revision ?? -1;
  }

  private currentHead(): number {
    return (this.selectHead.get() as number | null) ?? 0;
  }

  private toStoredEvent(row: Row): StoredEvent {
    const metadata = JSON.parse(row[6]) as EventMetadata;
    return {
      id: row[1],
      type: row[4],
      stream: row[2],
      revision: row[3],
      position: row[0],
      data: this.applyUpcast(row[4], metadata.schemaVersion, JSON.parse(row[5])),
      metadata,
    };
  }

  private applyUpcast(type: string, schemaVersion: number, data: unknown): unknown {
    return this.upcast === undefined ? data : this.upcast(type, schemaVersion, data);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}

function isUniqueIdViolation(error: unknown): boolean {
  // Duck-typed: the native addon keeps the SqliteError class of the first module instance that
  // loaded it, so instanceof fails where modules are loaded more than once (test runners).
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.includes('events.id');
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
