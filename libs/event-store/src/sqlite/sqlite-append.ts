import type Database from 'better-sqlite3';
import { checkExpectedRevision, completeMetadata } from '../event-envelope.js';
import { DuplicateEventIdError, type AppendResult, type ExclusiveAppend, type ExpectedRevision, type NewEvent, type StoredEvent } from '../event-store.port.js';
import { timeOrderedId } from '../time-ordered-id.js';
import type { SqliteReads } from './sqlite-reads.js';
import type { WalSync } from './sqlite-wal-sync.js';

/** Counters that show the group commit at work (one commit = one transaction; one fsync of the WAL covers one commit or more). */
export interface SqliteEventStoreStats {
  commits: number;
  appends: number;
  events: number;
  /** Fsyncs of the WAL, and how many ran on the calling thread (a lone writer's, see WalSync.afterSync). */
  walSyncs: number;
  walSyncsInline: number;
}

/** A writer waiting for another connection's write lock: since its first refusal, and its tries since. */
interface LockWait { since: number; tries: number }

interface PendingAppend {
  stream: string;
  events: NewEvent[];
  expectedRevision: ExpectedRevision;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Appends by group commit: appends issued together (in one tick) are written by one transaction;
 * each keeps its own expected-revision check and its own all-or-nothing effect through a savepoint,
 * while the batch pays a single fsync of the WAL (WalSync). An append is settled only once its
 * commit is on disk; `onCommitted` runs then, after the appends of the commit are resolved: once for
 * all the commits one fsync covered (each call wakes every subscription and posts a message to the
 * projection worker, which then reads everything new anyway).
 */
export class SqliteAppender {
  private readonly counters = { commits: 0, appends: 0, events: 0 };
  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  /** Revisions this connection wrote last, valid while no other connection writes (see knownRevision). */
  private readonly written = new Map<string, number>();
  private seenDataVersion: number;
  /** Heads written by the transaction being built, merged into `written` once it commits. */
  private batchHeads = new Map<string, number>();
  private readonly selectDataVersion: Database.Statement;
  private readonly insertEvent: Database.Statement;
  private readonly writeBatch: (batch: PendingAppend[]) => Array<AppendResult | Error>;
  private readonly writeOne: (append: PendingAppend) => AppendResult;
  /** Exclusive appends run one after the other; this settles when the last one queued has. */
  private exclusiveTail: Promise<unknown> = Promise.resolve();
  /** An exclusive append holds the file's write lock (an open transaction): commits wait for it. */
  private holdingLock = false;
  /** Commits settled since `onCommitted` last ran (see synced). */
  private committedUnannounced = false;
  /** `data_version` was read in this turn of the event loop (see knownRevision). */
  private versionReadThisTurn = false;
  /** The connection's busy timeout (ms): how long a commit may wait for another connection's write lock. */
  private readonly busyTimeoutMs: number;
  private readonly busyNoWait: Database.Statement;
  private readonly busyWait: Database.Statement;
  /** While another connection holds the write lock: since when the queued commit has waited for it, and its tries so far. */
  private flushWait: LockWait | null = null;
  /** A retry of the queued commit is scheduled (see waitForLock). */
  private retryScheduled = false;

  constructor(
    private readonly db: Database.Database,
    private readonly reads: SqliteReads,
    private readonly walSync: WalSync,
    private readonly onCommitted: () => void,
  ) {
    this.insertEvent = db.prepare(
      'INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectDataVersion = db.prepare('PRAGMA data_version').pluck();
    this.seenDataVersion = this.selectDataVersion.get() as number;
    this.busyTimeoutMs = Number(db.pragma('busy_timeout', { simple: true }));
    this.busyNoWait = db.prepare('PRAGMA busy_timeout = 0');
    this.busyWait = db.prepare(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`);

    // Nested inside writeBatch, better-sqlite3 runs this as a SAVEPOINT: a failing append rolls back alone.
    // A single-event append needs none: its checks run before its one INSERT, which is atomic by itself.
    const inSavepoint = db.transaction((append: PendingAppend) => this.writeAppend(append));
    this.writeOne = (append) => (append.events.length > 1 ? inSavepoint(append) : this.writeAppend(append));
    const batchTransaction = db.transaction((batch: PendingAppend[]) => {
      // Under the write lock: what another connection committed is visible now, and nothing more can come.
      this.refreshWritten();
      this.batchHeads = new Map();
      return batch.map((append) => {
        try {
          const outcome = this.writeOne(append);
          if (outcome.events.length > 0) this.batchHeads.set(append.stream, outcome.nextExpectedRevision);
          return outcome;
        } catch (error) {
          return error instanceof Error ? error : new Error(String(error));
        }
      });
    });
    // IMMEDIATE takes the write lock up front, so the revision checks read what the commit will follow.
    this.writeBatch = (batch) => batchTransaction.immediate(batch);
  }

  get stats(): Readonly<Pick<SqliteEventStoreStats, 'commits' | 'appends' | 'events'>> {
    return { ...this.counters };
  }

  /** Whether appends are queued for the next commit. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  append(stream: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expectedRevision, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    // While another connection holds the write lock, what is queued goes with the scheduled retry.
    if (this.flushScheduled || this.retryScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /**
   * Runs `take` (which takes the write lock) with the connection's busy timeout at 0. SQLite's busy
   * handler would wait for another connection's lock by sleeping on this thread (1, 2, 5, 10… ms),
   * which in the API is the request thread: with two processes on one file, each froze whenever the
   * other committed. SQLITE_BUSY comes back at once instead, nothing written, and the caller tries
   * again from the event loop (waitForLock).
   */
  private withoutBusyWait<T>(take: () => T): T {
    this.busyNoWait.get();
    try {
      return take();
    } finally {
      this.busyWait.get();
    }
  }

  /**
   * After `error` on taking the write lock, with `wait` the waiter's state (a fresh one at its first
   * refusal): the pause before its next try when the error is SQLITE_BUSY and the busy timeout,
   * counted from that first refusal, has not passed; null otherwise (the error stands). The tries
   * come at the next turn of the event loop, then 1, 2, 4… ms apart, 16 ms at most.
   */
  private waitForLock(error: unknown, wait: LockWait): Promise<void> | null {
    if ((error as { code?: unknown } | null)?.code !== 'SQLITE_BUSY') return null;
    if (performance.now() - wait.since >= this.busyTimeoutMs) return null;
    wait.tries += 1;
    return wait.tries <= 2 ? new Promise((resolve) => setImmediate(resolve)) : new Promise((resolve) => setTimeout(resolve, Math.min(2 ** (wait.tries - 3), 16)));
  }

  /**
   * Takes the file's write lock (BEGIN IMMEDIATE), lets `prepare` read and decide, then writes its
   * events in that same transaction, with whatever this connection queued meanwhile, as one commit
   * acknowledged like any other (after the fsync of the WAL). Another process's commit waits for the
   * lock (its busy timeout), so what `prepare` read is still the head when the events commit.
   */
  appendExclusive(stream: string, prepare: () => Promise<ExclusiveAppend>): Promise<AppendResult> {
    const run = this.exclusiveTail.then(() => this.runExclusive(stream, prepare));
    this.exclusiveTail = run.catch(() => undefined);
    return run;
  }

  /** Called by WalSync once every commit of a synced group is settled. */
  synced(): void {
    if (!this.committedUnannounced) return;
    this.committedUnannounced = false;
    this.onCommitted();
  }

  /** Resolves once no exclusive append holds the lock or waits for it. */
  async idle(): Promise<void> {
    await this.exclusiveTail;
  }

  private async runExclusive(stream: string, prepare: () => Promise<ExclusiveAppend>): Promise<AppendResult> {
    // What was accepted before goes first, in its own commit (unless the lock is busy: it then goes in
    // the exclusive append's commit, after its events, each append checked against its expected revision).
    if (this.queue.length > 0) this.flush();
    let wait: LockWait | null = null;
    for (;;) {
      try {
        this.withoutBusyWait(() => this.db.exec('BEGIN IMMEDIATE'));
        break;
      } catch (error) {
        wait ??= { since: performance.now(), tries: 0 };
        const pause = this.waitForLock(error, wait);
        if (pause === null) throw error;
        await pause;
      }
    }
    this.holdingLock = true;
    let prepared: ExclusiveAppend;
    try {
      prepared = await prepare();
    } catch (error) {
      this.holdingLock = false;
      this.db.exec('ROLLBACK');
      if (this.queue.length > 0) this.scheduleFlush();
      throw error;
    }
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.unshift({ stream, events: prepared.events, expectedRevision: prepared.expectedRevision, resolve, reject });
      this.holdingLock = false;
      this.flush();
    });
  }

  /**
   * SQLite's data_version changes whenever another connection (thread or process) commits to the
   * file; while it has not, the revisions this connection wrote are still the streams' heads.
   *
   * It is read once per turn of the event loop, not once per call: reading it outside a transaction
   * opens and closes a read transaction on the WAL (~10 µs, a twentieth of a report's request thread),
   * and the commands of one turn would each pay it for the same answer. An answer is a hint, never a
   * guarantee, either way: another process can commit right after any read of it, and the append
   * checks its expected revision under the write lock against a data_version read there (see
   * writeBatch), so a stale hint costs a refused append and a retry, never a lost update.
   */
  knownRevision(stream: string): number | undefined {
    if (!this.versionReadThisTurn) {
      this.refreshWritten();
      this.versionReadThisTurn = true;
      setImmediate(() => { this.versionReadThisTurn = false; });
    }
    return this.written.get(stream);
  }

  private refreshWritten(): void {
    const version = this.selectDataVersion.get() as number;
    if (version !== this.seenDataVersion) {
      this.written.clear();
      this.seenDataVersion = version;
    }
  }

  /** Writes the queued appends in one transaction; they settle once it is on disk. */
  flush(): void {
    this.flushScheduled = false;
    // The exclusive append that holds the lock writes the queue with its own events when it is done.
    if (this.holdingLock) return;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let outcomes: Array<AppendResult | Error>;
    // Inside the transaction an exclusive append opened, the batch runs as a savepoint: commit it here.
    const openedByExclusive = this.db.inTransaction;
    try {
      // Inside an exclusive append's transaction the lock is held already; otherwise it is taken without SQLite's busy wait.
      outcomes = openedByExclusive ? this.writeBatch(batch) : this.withoutBusyWait(() => this.writeBatch(batch));
      if (openedByExclusive) this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.batchHeads = new Map();
      // Another connection holds the write lock: nothing was written; the batch, and whatever is
      // queued meanwhile, is tried again shortly, the thread free in between.
      this.flushWait ??= { since: performance.now(), tries: 0 };
      const pause = openedByExclusive ? null : this.waitForLock(error, this.flushWait);
      if (pause !== null) {
        this.queue = batch.concat(this.queue);
        this.retryScheduled = true;
        void pause.then(() => {
          this.retryScheduled = false;
          this.flush();
        });
        return;
      }
      this.flushWait = null;
      // The whole transaction failed (I/O error, lock timeout): nothing was written.
      for (const append of batch) append.reject(error);
      return;
    }
    this.flushWait = null;
    this.counters.commits += 1;
    let written = false;
    let firstPosition = Number.MAX_SAFE_INTEGER;
    batch.forEach((_, index) => {
      const outcome = outcomes[index];
      if (outcome instanceof Error || outcome.events.length === 0) return;
      written = true;
      firstPosition = Math.min(firstPosition, outcome.events[0]!.position);
    });
    if (this.written.size + this.batchHeads.size > 10_000) this.written.clear();
    for (const [stream, revision] of this.batchHeads) this.written.set(stream, revision);
    this.batchHeads = new Map();
    // A refused append (a conflict, a repeated id) wrote nothing, so its answer does not wait for the
    // disk: its writer can read the new head and try again while this commit's fsync runs, and be
    // covered by the next one. Only what was written waits for the WAL to be on disk.
    batch.forEach((append, index) => {
      const outcome = outcomes[index]!;
      if (outcome instanceof Error) append.reject(outcome);
    });
    const settle = (syncError?: unknown) => {
      batch.forEach((append, index) => {
        const outcome = outcomes[index]!;
        if (outcome instanceof Error) return;
        if (syncError !== undefined && outcome.events.length > 0) {
          append.reject(new Error(`the events were written but the disk did not confirm them (fsync of the WAL failed: ${errorMessage(syncError)})`));
        } else {
          this.counters.appends += 1;
          this.counters.events += outcome.events.length;
          append.resolve(outcome);
        }
      });
      if (written && syncError === undefined) {
        if (this.walSync.enabled) this.committedUnannounced = true;
        else this.onCommitted();
      }
    };
    if (!written || !this.walSync.enabled) settle();
    else this.walSync.afterSync({ firstPosition, lone: batch.length === 1, done: () => settle(), fail: (error) => settle(error) });
  }

  /** Runs inside a savepoint of the batch transaction; throwing rolls back this append only. */
  private writeAppend(append: PendingAppend): AppendResult {
    const { stream, events, expectedRevision } = append;
    // The head from memory when this connection wrote it last (see knownRevision); else from the index.
    const current = this.batchHeads.get(stream) ?? this.written.get(stream) ?? this.reads.streamRevision(stream);
    checkExpectedRevision(stream, expectedRevision, current);
    if (events.length === 0) {
      return {
        nextExpectedRevision: current,
        position: current === -1 ? 0 : this.reads.streamHeadPosition(stream),
        events: [],
      };
    }
    const stored: StoredEvent[] = [];
    // Ids repeated within the append (the unique index sees those of other appends); none in an append of one.
    const seen = events.length > 1 ? new Set<string>() : null;
    let revision = current;
    let position = 0;
    for (const event of events) {
      const id = event.id ?? timeOrderedId();
      if (seen !== null) {
        if (seen.has(id)) throw new DuplicateEventIdError(stream, id);
        seen.add(id);
      }
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
        data: this.reads.applyUpcast(event.type, metadata.schemaVersion, JSON.parse(data)),
        metadata,
      });
    }
    return { nextExpectedRevision: revision, position, events: stored };
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
