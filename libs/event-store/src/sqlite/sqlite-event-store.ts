import { fdatasync, fdatasyncSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type {
  AppendResult,
  EventStore,
  ExclusiveAppend,
  ExpectedRevision,
  FoldedEvent,
  FoldedLogEvent,
  LoggedEvent,
  NewEvent,
  RawStoredEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
  Upcaster,
} from '../event-store.port.js';
import { SqliteAppender, type SqliteEventStoreStats } from './sqlite-append.js';
import { SqliteReads } from './sqlite-reads.js';
import { journalSettings, openEventsDatabase } from './sqlite-schema.js';
import { SqliteSubscriptions } from './sqlite-subscriptions.js';
import { WalSync, type Fsync, type FsyncInline } from './sqlite-wal-sync.js';

export type { SqliteEventStoreStats } from './sqlite-append.js';

export interface SqliteEventStoreOptions {
  /** A file path, or ':memory:' (a private in-memory database, nothing shared or durable). */
  path: string;
  /** How often idle subscriptions look for events written by another process (ms). Default 250. */
  pollIntervalMs?: number;
  /** Applied to every event read back; stored events are never rewritten. */
  upcast?: Upcaster;
  /** How long a writer waits for another process's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /**
   * How the WAL file is synced (tests slow it down or make it fail). By default node:fs's fdatasync:
   * the frames and the file's size when it grew reach the disk, as with fsync, without also flushing
   * its modification time (an extra journal write of the file system per commit).
   */
  fsync?: Fsync;
  /**
   * How the commit of a writer alone (one append, nothing else waiting for the disk: see
   * WalSync.afterSync) is synced on the calling thread instead. By default node:fs's fdatasyncSync
   * when `fsync` is not given, none when it is; null: every commit is synced on libuv's pool.
   */
  fsyncInline?: FsyncInline | null;
  /** The clock (ms, monotonic) that times the WAL's syncs for the lone writer's back-off (see WalSync); performance.now unless given. */
  syncClock?: () => number;
  /** SQLite's page cache of the store's connection, in MB (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  cacheMb?: number;
}

/**
 * The embedded event store: one SQLite file in WAL mode; an append resolves only once it is on disk.
 * Its parts, one connection between them: the table (sqlite-schema.ts), the group commit
 * (sqlite-append.ts), the fsync of the WAL before anything is acknowledged (sqlite-wal-sync.ts, which
 * says why SQLite runs with `synchronous = NORMAL`), the reads (sqlite-reads.ts) and the
 * subscriptions (sqlite-subscriptions.ts).
 */
export class SqliteEventStore implements EventStore {
  readonly name = 'sqlite';
  private readonly db: Database.Database;
  private readonly reads: SqliteReads;
  private readonly walSync: WalSync;
  private readonly subscriptions: SqliteSubscriptions;
  private readonly appender: SqliteAppender;
  private closed = false;
  /**
   * A file only: a private in-memory database has no other connection to lose a race to, and a race
   * through this very store cannot be waited for inside `prepare` (its commit waits for `prepare`).
   */
  readonly appendExclusive?: (stream: string, prepare: () => Promise<ExclusiveAppend>) => Promise<AppendResult>;
  private closing: Promise<void> | undefined;
  /** A file only: a private in-memory database cannot be opened by another connection. */
  readonly sqlitePath?: string;

  constructor(options: SqliteEventStoreOptions) {
    this.db = openEventsDatabase(options.path, options.busyTimeoutMs, options.cacheMb);
    const inline = options.fsyncInline !== undefined ? options.fsyncInline : options.fsync === undefined ? fdatasyncSync : null;
    this.walSync = new WalSync(this.db.memory ? null : `${this.db.name}-wal`, options.fsync ?? fdatasync, () => this.appender.synced(), inline, options.syncClock);
    this.reads = new SqliteReads(this.db, options.upcast);
    this.subscriptions = new SqliteSubscriptions({
      pollIntervalMs: options.pollIntervalMs ?? 250,
      readBatch: (after, limit) => {
        this.assertOpen();
        return this.reads.readBatch(after, this.walSync.durableCeiling(), limit);
      },
    });
    this.appender = new SqliteAppender(this.db, this.reads, this.walSync, () => this.subscriptions.notifyAppended());
    if (!this.db.memory) {
      this.sqlitePath = options.path;
      this.appendExclusive = (stream, prepare) => {
        if (this.closed) return Promise.reject(new Error('The event store is closed'));
        if (typeof stream !== 'string' || stream.length === 0) return Promise.reject(new TypeError('A stream name must be a non-empty string'));
        return this.appender.appendExclusive(stream, prepare);
      };
    }
  }

  /** Transactions committed, appends and events written since this store was opened. */
  get stats(): Readonly<SqliteEventStoreStats> {
    return { ...this.appender.stats, walSyncs: this.walSync.counts.syncs, walSyncsInline: this.walSync.counts.inline };
  }

  /** The settings that make a resolved append durable, as this connection reports them. */
  durabilitySettings(): { journalMode: string; synchronous: 'off' | 'normal' | 'full' | 'extra'; walFsyncBeforeAck: boolean } {
    return { ...journalSettings(this.db), walFsyncBeforeAck: this.walSync.enabled };
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
    return this.appender.append(stream, events, options.expectedRevision ?? 'any');
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.reads.readStream(stream, options);
  }

  async readStreamFolded(stream: string, options: ReadStreamOptions = {}): Promise<FoldedEvent[]> {
    this.assertOpen();
    return this.reads.readStreamFolded(stream, options);
  }

  knownRevision(stream: string): number | undefined {
    if (this.closed) return undefined;
    return this.appender.knownRevision(stream);
  }

  async streamRevision(stream: string): Promise<number> {
    this.assertOpen();
    return this.reads.streamRevision(stream);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    return this.reads.readAll(options);
  }

  /**
   * Up to `limit` events after position `after` and up to `upTo`, in position order, each with its
   * stream and only what a fold reads (FoldedEvent): for a replay that needs neither the events' ids
   * nor the rest of their metadata, which are then neither read nor parsed.
   */
  async readAllFolded(after: number, upTo: number, limit: number): Promise<FoldedLogEvent[]> {
    this.assertOpen();
    return this.reads.readAllFolded(after, upTo, limit);
  }

  /**
   * Up to `limit` events after position `after`, in position order, each with its stream and what the
   * read models of the whole log read (LoggedEvent): a rebuild's replay, which then neither reads the
   * events' ids nor parses the rest of their metadata.
   */
  async readAllLogged(after: number, limit: number): Promise<LoggedEvent[]> {
    this.assertOpen();
    return this.reads.readAllLogged(after, limit);
  }

  async readAllRaw(options: ReadAllOptions = {}): Promise<RawStoredEvent[]> {
    this.assertOpen();
    return this.reads.readAllRaw(options);
  }

  async headPosition(): Promise<number> {
    this.assertOpen();
    return this.reads.headPosition();
  }

  onAppended(listener: () => void): () => void {
    return this.subscriptions.onAppended(listener);
  }

  notifyAppended(): void {
    this.subscriptions.notifyAppended();
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    return this.subscriptions.subscribe(handler, options);
  }

  close(): Promise<void> {
    this.closing ??= this.closeOnce();
    return this.closing;
  }

  private async closeOnce(): Promise<void> {
    // Appends already accepted are written before the file is closed.
    await this.appender.idle();
    if (this.appender.pending) this.appender.flush();
    this.closed = true;
    // ...and acknowledged once on disk.
    await this.walSync.drain();
    await this.subscriptions.stopAll();
    this.db.close();
    this.walSync.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('The event store is closed');
  }
}
