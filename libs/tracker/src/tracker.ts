import { mkdirSync, renameSync, rmSync } from 'node:fs';
import type { Database } from 'better-sqlite3';
import { RoadmapCommands, SqliteSnapshotStore, type SerializedSnapshot, type SnapshotStore } from '#application';
import { HashChainStore } from '#audit';
import { TokenStore } from '#auth';
import { dataFiles, type AppConfig, type DataFiles } from '#config';
import { upcastDomainEvent } from '#domain';
import { createEventStore, type EventStore } from '#event-store';
import { EventLogIdempotencyStore, IdempotencyStore, type IdempotencyRecords } from '#idempotency';
import { SqliteCheckpointStore } from '#messaging';
import { allProjections, closeReadModelDb, markUnsynced, openReadModelWriter, ProjectionHost, ProjectionRunner, readModelsOf, WorkerProjectionHost, type TrackerReadModels } from '#projections';

export interface TrackerOptions {
  /**
   * Where the read models are kept up: `configured` follows `config.projectionThread` (a worker thread
   * on the embedded store, the API's default), `main` on the calling thread (CLI, projector), `none`
   * for a process without read models (the relay).
   */
  projections?: 'configured' | 'main' | 'none';
  /** `false` for a process that never reads the log itself (the projector fed by Kafka). */
  eventStore?: boolean;
  /** Wraps the store before anything uses it (metrics, tracing: a decorator implementing the same port). */
  decorateStore?: (store: EventStore) => EventStore;
  log?: (level: 'info' | 'error', message: string) => void;
}

/**
 * The tracker's resources over one data directory, opened the same way by every process (API,
 * CLI, relay, projector). What a process does not use is never opened: the stores of tokens,
 * snapshots, idempotency answers, relay checkpoints and hash chain open on first use. `close()`
 * closes what was opened, writers' dependants first.
 */
export class Tracker {
  readonly files: DataFiles;
  private readonly closers = new Map<string, () => Promise<void> | void>();
  private readonly lazy = new Map<string, unknown>();
  private readModels: ProjectionHost | null;
  private started = false;

  private constructor(
    readonly config: AppConfig,
    private readonly eventStore: EventStore | null,
    projections: ProjectionHost | null,
  ) {
    this.files = dataFiles(config.dataDir, config.eventStorePath);
    this.readModels = projections;
  }

  static async open(config: AppConfig, options: TrackerOptions = {}): Promise<Tracker> {
    return TrackerStart.begin(config, options).finish(options);
  }

  /** Used by `TrackerStart.finish` only. */
  static opened(config: AppConfig, store: EventStore | null, host: ProjectionHost | null): Tracker {
    return new Tracker(config, store, host);
  }

  get store(): EventStore {
    if (!this.eventStore) throw new Error('this tracker was opened without its event store');
    return this.eventStore;
  }

  /** Whatever keeps the read models up with the log (started by `start` or `catchUp`). */
  get projections(): ProjectionHost {
    if (!this.readModels) throw new Error('this tracker has no read models open');
    return this.readModels;
  }

  /** The projections when they run on this thread, for a process that feeds them itself (the projector on Kafka). */
  get runner(): ProjectionRunner {
    const host = this.projections;
    if (!(host instanceof ProjectionRunner)) throw new Error('the projections of this tracker run on a worker thread');
    return host;
  }

  /** The read models, for queries on this thread. */
  get readDb(): Database {
    return this.projections.db;
  }

  /** The typed read APIs over the read models of this thread (time travel also reads the log). */
  get queries(): TrackerReadModels {
    return this.once('queries', () => readModelsOf(this.readDb, this.store), () => undefined);
  }

  get snapshots(): SnapshotStore {
    return this.once('snapshots', () => {
      // Serialised here, written by the projection worker when there is one (see SqliteSnapshotStore and offloadSnapshot).
      const host = this.readModels;
      const offload = host ? (snapshot: SerializedSnapshot) => host.offloadSnapshot(snapshot) : undefined;
      return new SqliteSnapshotStore(this.files.snapshots, { cacheMb: this.config.sqliteCacheMb, offload });
    }, (s) => s.close());
  }

  /** The write side over this tracker's store (snapshots in their file). */
  get commands(): RoadmapCommands {
    return this.once('commands', () => new RoadmapCommands(this.store, {
      snapshots: this.snapshots, cachedStreams: this.config.writeSide.stateCacheStreams, cachedEvents: this.config.writeSide.stateCacheEvents,
      // Closed before the snapshots (created first): the states held are saved into them as the tracker closes.
    }), (commands) => commands.flushStates());
  }

  get tokens(): TokenStore {
    // Follows the access stream once started (see TokenStore.start).
    return this.once('tokens', () => new TokenStore(this.store, { adminToken: this.config.adminToken }), (t) => t.close());
  }

  /**
   * Claims and answers of idempotent writes, shared by every node of the store: a file next to the
   * embedded store, streams of the log on EventStoreDB (nodes on several machines).
   */
  get idempotency(): IdempotencyRecords {
    return this.once('idempotency', () => (this.config.eventStore === 'eventstoredb' ? new EventLogIdempotencyStore(this.store) : new IdempotencyStore(this.files.idempotency, undefined, { cacheMb: this.config.sqliteCacheMb })), (s) => s.close());
  }

  get hashChain(): HashChainStore {
    return this.once('hashChain', () => new HashChainStore(this.files.eventHashes, { cacheMb: this.config.sqliteCacheMb }), (c) => c.close());
  }

  get relayCheckpoints(): SqliteCheckpointStore {
    return this.once('relayCheckpoints', () => new SqliteCheckpointStore({ path: this.files.relay }), (c) => c.close());
  }

  /** Starts following the log (once). */
  start(): void {
    if (this.started) return;
    this.projections.start(this.store);
    this.started = true;
  }

  /** Brings the read models up to the store's head. */
  async catchUp(timeoutMs = 600_000): Promise<void> {
    this.start();
    await this.projections.waitFor(await this.store.headPosition(), timeoutMs);
  }

  /**
   * Puts a read-model file built elsewhere (a blue/green rebuild) in place of the current one:
   * the current models are stopped and closed first, then the fresh file is opened on this thread.
   */
  async switchReadModels(freshPath: string): Promise<void> {
    await this.closeReadModels();
    const target = this.files.readModels;
    for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
    // The rebuilt file was written without fsync: until its writer closes it, another boot discards it
    // (and the runner rebuilds it from the log).
    const rebuildable = this.eventStore !== null;
    if (rebuildable) markUnsynced(target);
    renameSync(freshPath, target);
    for (const suffix of ['-wal', '-shm']) rmSync(`${freshPath}${suffix}`, { force: true });
    this.readModels = new ProjectionRunner(openReadModelWriter(target, { unsynced: rebuildable }), allProjections({ sheetDocumentsKept: this.config.projections.sheetDocumentsKept }));
  }

  async close(): Promise<void> {
    await this.closeReadModels();
    await this.eventStore?.close();
    for (const close of [...this.closers.values()].reverse()) await close();
    this.closers.clear();
    this.lazy.clear();
  }

  private async closeReadModels(): Promise<void> {
    if (!this.readModels) return;
    await this.readModels.stop();
    closeReadModelDb(this.readModels.db);
    this.readModels = null;
    this.started = false;
  }

  private once<T>(name: string, open: () => T, close: (value: T) => Promise<void> | void): T {
    if (!this.lazy.has(name)) {
      const value = open();
      this.lazy.set(name, value);
      this.closers.set(name, () => close(value));
    }
    return this.lazy.get(name) as T;
  }
}

/**
 * The first half of `openTracker`, for a process with other work to do meanwhile (the API imports its
 * HTTP framework): the store is opened and the projection worker started at once, in the same order
 * as `openTracker` (the store, with its schema, before any other connection), and `finish` completes
 * the opening with what only the caller's framework has (the store's decorator, the log).
 */
export class TrackerStart {
  private log: TrackerOptions['log'];
  private finished = false;

  private constructor(
    readonly config: AppConfig,
    private readonly store: EventStore | null,
    private readonly host: Promise<ProjectionHost | null>,
  ) {}

  static begin(config: AppConfig, options: Pick<TrackerOptions, 'projections' | 'eventStore'> = {}): TrackerStart {
    mkdirSync(config.dataDir, { recursive: true });
    // Every reader of this store sees events of older schema versions as the current schema (old logs are never rewritten).
    const store = options.eventStore === false ? null : createEventStore({ eventStore: config.eventStore, dataDir: config.dataDir, eventStorePath: config.eventStorePath, eventStoreConnectionString: config.eventStoreConnectionString, upcast: upcastDomainEvent, cacheMb: config.sqliteCacheMb });
    const files = dataFiles(config.dataDir, config.eventStorePath);
    const placement = options.projections ?? 'main';
    let host: Promise<ProjectionHost | null> = Promise.resolve(null);
    let start: TrackerStart | undefined;
    // EventStoreDB pushes its subscription to this process: its projections always run here.
    if (placement === 'configured' && config.eventStore === 'sqlite' && config.projectionThread === 'worker') {
      host = WorkerProjectionHost.open({
        eventsPath: files.events,
        readModelsPath: files.readModels,
        // The audit chain follows the log on the same thread (the API's hash-chain lifecycle then leaves it alone).
        hashChainPath: files.eventHashes,
        // The write side's snapshots are serialised on the request thread and written by the worker.
        snapshotsPath: files.snapshots,
        queryCacheMb: config.readModelQueryCacheMb,
        writeCacheMb: config.readModelWriteCacheMb,
        sheetDocumentsKept: config.projections.sheetDocumentsKept,
        storeCacheMb: config.sqliteCacheMb,
        // The worker logs only once started, which is after `finish` gave the log.
        log: (level, message) => start?.log?.(level, message),
      });
      // Awaited by `finish`; until then a worker that fails to start must not be an unhandled rejection.
      host.catch(() => undefined);
    } else if (placement !== 'none') {
      // Without a store (a projector fed from Kafka) the read models cannot be rebuilt here: their commits stay synced.
      host = Promise.resolve(new ProjectionRunner(openReadModelWriter(files.readModels, { unsynced: store !== null }), allProjections({ sheetDocumentsKept: config.projections.sheetDocumentsKept })));
    }
    start = new TrackerStart(config, store, host);
    return start;
  }

  /** The tracker, once its projections are ready (once: the store and the worker belong to it). */
  async finish(options: Pick<TrackerOptions, 'decorateStore' | 'log'> = {}): Promise<Tracker> {
    if (this.finished) throw new Error('this tracker start was already finished');
    this.finished = true;
    this.log = options.log;
    let host: ProjectionHost | null;
    try {
      host = await this.host;
    } catch (error) {
      await this.store?.close();
      throw error;
    }
    const store = this.store && options.decorateStore ? options.decorateStore(this.store) : this.store;
    return Tracker.opened(this.config, store, host);
  }
}

/** Opens the tracker over `config.dataDir` (see `Tracker`). */
export function openTracker(config: AppConfig, options?: TrackerOptions): Promise<Tracker> {
  return Tracker.open(config, options);
}
