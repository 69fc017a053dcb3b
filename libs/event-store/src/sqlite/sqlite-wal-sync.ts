import { closeSync, openSync } from 'node:fs';

export type Fsync = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => void;
/** The same sync, done on the calling thread (throws when it fails). */
export type FsyncInline = (fd: number) => void;

/**
 * An inline fsync that took longer than INLINE_SLOW_MS (ms) sends lone commits to the pool for
 * INLINE_BACKOFF_FACTOR times as long as it took, INLINE_BACKOFF_MAX_MS at most: on a slow disk the
 * trip to the pool is a small part of a sync, and a sync on the calling thread holds up everything
 * else it serves (reads included) for as long as the disk takes. A disk slow throughout then holds
 * the thread up for 1/51 of the time (syncs of 2–20 ms) or one sync a second (slower ones). An
 * outlier of a fast disk (syncs of 2–4 ms among thousands of 0.2 ms in the bench's sequential writer)
 * costs a tenth of a second or so on the pool, where a fixed second after each sent several seconds
 * of that writer's commits there.
 *
 * The back-off also ends as soon as INLINE_RECOVERY_SYNCS fsyncs in a row on the pool, after the slow
 * one, each took less than INLINE_RECOVERED_MS: the disk has shown it is quick again. A disk slow
 * throughout never gives such a run, so it keeps the rule above; a quick disk's lone outlier costs
 * sixteen trips to the pool instead of a tenth of a second of them (in the bench's sequential writer,
 * 4 inline syncs above 2 ms among 32 016 sent 2 685 commits to the pool, whose syncs took 0.15 ms at
 * the median).
 */
const INLINE_SLOW_MS = 2;
const INLINE_BACKOFF_FACTOR = 50;
const INLINE_BACKOFF_MAX_MS = 1000;
const INLINE_RECOVERY_SYNCS = 16;
const INLINE_RECOVERED_MS = 1;

/** A commit waiting for the WAL to be on disk. */
export interface SyncWaiter {
  /** First position the commit wrote: until it is synced, the store's subscriptions stop below it. */
  firstPosition: number;
  /** The commit holds a single append. */
  lone: boolean;
  done: () => void;
  fail: (error: unknown) => void;
}

/**
 * Where the fsync happens: SQLite's `synchronous = FULL` would fsync the WAL inside the commit, on
 * the calling thread, which in the API is the request thread (half of the commit's time under load).
 * The connection runs with `synchronous = NORMAL` instead (SQLite then syncs only around checkpoints
 * and when the WAL is reused), and after each commit the store fsyncs the WAL file itself, here, on
 * libuv's thread pool (a lone writer's commit on the calling thread, see afterSync). Appends are
 * resolved, and subscribers woken, only when that fsync has returned, so what is acknowledged is
 * exactly as durable as with FULL: the commit frame is on disk, and recovery replays the WAL up to
 * the last valid commit. Meanwhile the thread goes on parsing and deciding, and commits made while
 * one fsync runs are covered by the next one (group sync).
 */
export class WalSync {
  private walFd: number | null = null;
  private syncing: Promise<void> | null = null;
  private awaitingSync: SyncWaiter[] = [];
  private syncingGroup: SyncWaiter[] = [];
  /** The last sync found the writer alone (see afterSync). */
  private alone = true;
  /** No commit is synced inline before this instant (on `now`), after a slow inline sync. */
  private inlineAfter = 0;
  /** Quick fsyncs on the pool in a row since the last slow inline one (see INLINE_RECOVERY_SYNCS). */
  private quickSinceSlow = 0;
  /** Fsyncs of the WAL so far, and how many of them ran on the calling thread. */
  readonly counts = { syncs: 0, inline: 0 };

  /** `walPath` null: an in-memory database, nothing to sync. */
  constructor(
    private readonly walPath: string | null,
    private readonly fsyncWal: Fsync,
    /** Runs after the waiters of each synced group are settled. */
    private readonly onGroupSettled: () => void = () => undefined,
    /** When given, a lone commit is synced on the calling thread (see afterSync). */
    private readonly fsyncWalInline: FsyncInline | null = null,
    /** The clock (ms) that times the syncs for the back-off: performance.now unless given. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** False for an in-memory database: commits are acknowledged as they are made. */
  get enabled(): boolean {
    return this.walPath !== null;
  }

  /**
   * Runs `done` once the WAL, as committed so far, is on disk: one fsync covers every commit made
   * before it starts.
   *
   * A lone writer's commit is synced here, on the calling thread, and `done` runs before this
   * returns: the trip to libuv's pool and back costs such a writer about a fifth of each append (the
   * wake-up of a pool thread, then of the event loop). What the calling thread does while the pool
   * syncs is worth that trip only when other appends come meanwhile, to be grouped into the next
   * fsync; so a commit is synced inline only when it holds a single append (`waiter.lone`), no fsync is
   * running, and the last sync found the writer alone too: a pool fsync that covered one lone
   * commit with none made while it ran, or an inline one (whose next commit, if more than one
   * append came in the meantime, goes to the pool again). Under load, commits go to the pool; and
   * after an inline sync slower than INLINE_SLOW_MS, all of them do for a while (50 times as long
   * as it took, a second at most, or until sixteen quick syncs in a row on the pool).
   */
  afterSync(waiter: SyncWaiter): void {
    // `alone` is set at the end of each pool fsync, and only read when none runs.
    if (waiter.lone && this.alone && this.fsyncWalInline !== null && !this.syncing && this.now() >= this.inlineAfter) {
      this.syncInline(waiter);
      return;
    }
    this.awaitingSync.push(waiter);
    if (!this.syncing) this.syncing = this.run();
  }

  private syncInline(waiter: SyncWaiter): void {
    this.counts.syncs += 1;
    this.counts.inline += 1;
    let failure: unknown;
    const started = this.now();
    try {
      this.fsyncWalInline!(this.openWal());
    } catch (error) {
      failure = error;
    }
    const took = this.now() - started;
    if (took > INLINE_SLOW_MS) {
      this.inlineAfter = started + took + Math.min(took * INLINE_BACKOFF_FACTOR, INLINE_BACKOFF_MAX_MS);
      this.quickSinceSlow = 0;
    }
    this.settle([waiter], failure);
  }

  /** The waiters of one sync told its outcome, then onGroupSettled. */
  private settle(group: readonly SyncWaiter[], failure: unknown): void {
    for (const waiter of group) {
      if (failure === undefined) waiter.done();
      else waiter.fail(failure);
    }
    this.onGroupSettled();
  }

  /**
   * Subscriptions of the store deliver only what is on disk: they stop below the first position of
   * the oldest commit still waiting for its fsync (a Kafka topic or a read model must never hold an
   * event that a power cut could take back from the log). MAX_SAFE_INTEGER when nothing waits.
   */
  durableCeiling(): number {
    const first = this.syncingGroup[0] ?? this.awaitingSync[0];
    return first === undefined ? Number.MAX_SAFE_INTEGER : first.firstPosition;
  }

  /** Resolves once every commit handed over so far has been synced (or failed to be). */
  async drain(): Promise<void> {
    while (this.syncing) await this.syncing;
  }

  close(): void {
    if (this.walFd !== null) closeSync(this.walFd);
    this.walFd = null;
  }

  private async run(): Promise<void> {
    while (this.awaitingSync.length > 0) {
      const group = this.awaitingSync;
      this.awaitingSync = [];
      this.syncingGroup = group;
      this.counts.syncs += 1;
      let failure: unknown;
      const started = this.now();
      try {
        const fd = this.openWal();
        await new Promise<void>((resolve, reject) => this.fsyncWal(fd, (error) => (error ? reject(error) : resolve())));
      } catch (error) {
        failure = error;
      }
      this.afterPoolSync(this.now() - started, failure);
      this.syncingGroup = [];
      // Alone: this fsync covered one commit of one append, and no commit was made while it ran.
      this.alone = group.length === 1 && group[0]!.lone && this.awaitingSync.length === 0;
      this.settle(group, failure);
    }
    this.syncing = null;
  }

  /** During a back-off, a run of quick fsyncs on the pool ends it (see INLINE_RECOVERY_SYNCS); a slow or failed one starts the run again. */
  private afterPoolSync(took: number, failure: unknown): void {
    if (this.now() >= this.inlineAfter) return;
    if (failure !== undefined || took >= INLINE_RECOVERED_MS) {
      this.quickSinceSlow = 0;
    } else if (++this.quickSinceSlow >= INLINE_RECOVERY_SYNCS) {
      this.inlineAfter = 0;
      this.quickSinceSlow = 0;
    }
  }

  /**
   * The WAL file, opened at the first sync (after the first commit, so it exists) and kept: SQLite
   * removes the WAL only when the last connection to the database closes, and the store's own
   * connection stays open as long as this object is used, so the file opened is the live one for
   * good (no fstat per commit to check it).
   */
  private openWal(): number {
    this.walFd ??= openSync(this.walPath!, 'r');
    return this.walFd;
  }
}
