import { hash } from 'node:crypto';
import Database from 'better-sqlite3';
import { FollowLoop, setPageCacheMb, type EventStore, type Subscription } from '#event-store';
import { canonicalJson } from './canonical-json.js';
import { eachEnvelope, readEnvelopes, type ExportedEnvelope } from './event-log-reader.js';

/** The hash before the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** SHA-256 over the previous hash followed by the canonical JSON of the envelope (hex). */
export function chainHash(previous: string, envelope: ExportedEnvelope): string {
  const { id, type, stream, revision, position, data, metadata } = envelope;
  // The digest of the two texts one after the other, as two updates of one hash would give, in one call.
  return hash('sha256', previous + canonicalJson({ id, type, stream, revision, position, data, metadata }), 'hex');
}

export interface ChainLink {
  position: number;
  eventId: string;
  hash: string;
}

/**
 * The chain lives in its own SQLite file, apart from the events: nobody mistakes it for a fact of the
 * roadmap, an export of the log never carries it, and editing the events file leaves it untouched.
 */
export class HashChainStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly lastLink: Database.Statement;
  private readonly byEventId: Database.Statement;

  /** `cacheMb`: SQLite's page cache of the connection (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  constructor(path: string, options: { cacheMb?: number } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // Like a read model: a power cut may lose the last links, never split one, and the chainer extends
    // again from its head, over the same stored events. No fsync on the request path for it.
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    setPageCacheMb(this.db, options.cacheMb);
    this.db.exec(`CREATE TABLE IF NOT EXISTS event_hashes (
      position INTEGER PRIMARY KEY, eventId TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, chainedAt TEXT NOT NULL
    )`);
    this.insert = this.db.prepare('INSERT INTO event_hashes (position, eventId, hash, chainedAt) VALUES (?, ?, ?, ?)');
    this.lastLink = this.db.prepare('SELECT position, eventId, hash FROM event_hashes ORDER BY position DESC LIMIT 1');
    this.byEventId = this.db.prepare('SELECT position FROM event_hashes WHERE eventId = ?').pluck();
  }

  head(): ChainLink | null {
    return (this.lastLink.get() as ChainLink | undefined) ?? null;
  }

  append(links: ChainLink[]): void {
    const chainedAt = new Date().toISOString();
    this.db.transaction(() => {
      for (const link of links) this.insert.run(link.position, link.eventId, link.hash, chainedAt);
    })();
  }

  /** The chain's hash of the event at a position (the head as it was then), null past the last link. */
  hashAt(position: number): string | null {
    return (this.db.prepare('SELECT hash FROM event_hashes WHERE position = ?').pluck().get(position) as string | undefined) ?? null;
  }

  positionOf(eventId: string): number | null {
    return (this.byEventId.get(eventId) as number | undefined) ?? null;
  }

  *links(): Generator<ChainLink> {
    yield* this.db.prepare('SELECT position, eventId, hash FROM event_hashes ORDER BY position').iterate() as Iterable<ChainLink>;
  }

  count(): number {
    return this.db.prepare('SELECT COUNT(*) FROM event_hashes').pluck().get() as number;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** Links written per commit of the chain's file. */
export const CHAIN_COMMIT = 2000;

/**
 * Events read and hashed at a time: only their links wait for the commit, and the thread the chainer
 * shares (the projections' worker) runs its other work between reads. Read 2 000 at a time, a burst
 * of appends kept each read's envelopes alive at once (data and metadata parsed, each one's canonical
 * JSON), and the worker's heap grew by ~10 MB during an import: after the report load on the million events, an import of
 * 10 000 spreadsheet rows peaked at 199–202 MB of RSS over three runs, against 190–198 over three read
 * 250 at a time (alternated), and answered in 1.39–1.45 s against 1.20–1.63. The first chaining of
 * the whole log (1.14 million events, under a background load) took 98.5 s, then 94.3.
 */
export const CHAIN_READ = 250;

/**
 * Extends the chain as events are appended, like a projection with its checkpoint (the last link).
 * Events are hashed as read back from the store right after their append, so a later edit of the
 * events file no longer matches.
 */
export class HashChainer {
  private subscription: Subscription | null = null;
  private following: { stop(): Promise<void> } | null = null;
  private running: Promise<number> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly chain: HashChainStore,
    /** Where the store cannot tell of its appends (no onAppended): how often to look for new events, in ms. */
    private readonly pollIntervalMs = 250,
  ) {}

  /** Hashes every event after the chain's head; returns the number of links added. */
  catchUp(): Promise<number> {
    // One pass at a time: two concurrent passes would both extend from the same head.
    const run = (this.running ?? Promise.resolve(0)).then(() => this.extend());
    this.running = run.catch(() => 0);
    return run;
  }

  private async extend(): Promise<number> {
    const head = this.chain.head();
    let previous = head?.hash ?? GENESIS_HASH;
    let from = head?.position ?? 0;
    let added = 0;
    let caughtUp = false;
    while (!caughtUp) {
      const links: ChainLink[] = [];
      while (links.length < CHAIN_COMMIT) {
        const batch = await readEnvelopes(this.store, from, CHAIN_READ);
        for (const envelope of batch) {
          previous = chainHash(previous, envelope);
          links.push({ position: envelope.position, eventId: envelope.id, hash: previous });
        }
        if (batch.length > 0) from = batch[batch.length - 1]!.position;
        if (batch.length < CHAIN_READ) {
          caughtUp = true;
          break;
        }
        // A long catch-up (a first start on a large log, a burst of appends) must not hold the
        // thread: the projections and the messages of the worker it shares run between reads.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (links.length > 0) this.chain.append(links);
      added += links.length;
    }
    return added;
  }

  /**
   * Follows the log from the chain's head. Where the store tells of its appends, each one wakes a
   * pass (`FollowLoop`: wakes that come during a pass are folded into one more), and the poll
   * interval finds what another connection wrote; a subscription would read and parse every event
   * once more only to say that there is something new, which `extend` then reads as stored anyway.
   * Any other store is followed by a subscription. A failed pass stops the chainer and is given to
   * `onError`.
   */
  start(onError?: (error: unknown) => void): void {
    if (this.subscription || this.following) return;
    if (!this.store.onAppended) {
      const from = this.chain.head()?.position ?? 0;
      this.subscription = this.store.subscribeToAll(async () => { await this.catchUp(); }, { fromPosition: from, onError });
      return;
    }
    const follow = new FollowLoop(this.pollIntervalMs);
    const unsubscribe = this.store.onAppended(() => follow.wake());
    const loop = (async () => {
      try {
        while (!follow.isStopped) {
          follow.beginPass();
          try {
            await this.catchUp();
          } catch (error) {
            onError?.(error);
            return;
          }
          await follow.sleep();
        }
      } finally {
        unsubscribe();
      }
    })();
    this.following = {
      stop: async () => {
        follow.stop();
        await loop;
      },
    };
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
    await this.following?.stop();
    this.following = null;
    await this.running;
  }
}

export type ChainProblemKind = 'tampered' | 'removed' | 'reordered' | 'inserted';

export interface ChainProblem {
  kind: ChainProblemKind;
  /** Position in the log where the chain first breaks. */
  position: number;
  /** The event the chain recorded there (null for an inserted event). */
  expectedEventId: string | null;
  /** The event the log now holds there (null for a removed one). */
  foundEventId: string | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Links of the chain checked against the log. */
  checked: number;
  /** Events in the log after the chain's head, not hashed yet (not an error: the chainer runs behind). */
  unchained: number;
  logHead: number;
  chainHead: { position: number; hash: string } | null;
  problem: ChainProblem | null;
}

/**
 * Recomputes the chain from the log and compares it link by link with the stored one; stops at the
 * first break. A changed event fails its hash; a missing position is a removal; an event found at
 * another event's position is a reordering; an event the chain never saw, between chained ones, an insertion.
 */
export async function verifyChain(store: EventStore, chain: HashChainStore): Promise<VerifyReport> {
  const links = chain.links();
  const log = eachEnvelope(store);
  let previous = GENESIS_HASH;
  let checked = 0;
  let lastLink: ChainLink | null = null;
  let nextEvent = await log.next();
  const fail = async (problem: ChainProblem): Promise<VerifyReport> => {
    await log.return(undefined);
    return { ok: false, checked, unchained: 0, logHead: await store.headPosition(), chainHead: chainHeadOf(chain), problem };
  };
  for (let link = links.next(); !link.done; link = links.next()) {
    const expected = link.value;
    const found = nextEvent.done ? null : nextEvent.value;
    if (!found || found.position > expected.position) {
      links.return(undefined);
      return fail({ kind: 'removed', position: expected.position, expectedEventId: expected.eventId, foundEventId: null, message: `event ${expected.eventId} at position ${expected.position} is missing from the log` });
    }
    if (found.position < expected.position) {
      links.return(undefined);
      return fail({ kind: 'inserted', position: found.position, expectedEventId: null, foundEventId: found.id, message: `event ${found.id} at position ${found.position} was never chained: it was inserted after the fact` });
    }
    if (found.id !== expected.eventId) {
      const elsewhere = chain.positionOf(found.id);
      links.return(undefined);
      return fail(elsewhere !== null
        ? { kind: 'reordered', position: expected.position, expectedEventId: expected.eventId, foundEventId: found.id, message: `position ${expected.position} holds event ${found.id}, chained at position ${elsewhere}: events were reordered` }
        : { kind: 'tampered', position: expected.position, expectedEventId: expected.eventId, foundEventId: found.id, message: `position ${expected.position} holds an unknown event ${found.id} instead of ${expected.eventId}` });
    }
    const hash = chainHash(previous, found);
    if (hash !== expected.hash) {
      links.return(undefined);
      return fail({ kind: 'tampered', position: expected.position, expectedEventId: expected.eventId, foundEventId: found.id, message: `event ${found.id} at position ${expected.position} differs from what was chained` });
    }
    previous = hash;
    checked += 1;
    lastLink = expected;
    nextEvent = await log.next();
  }
  let unchained = 0;
  while (!nextEvent.done) {
    unchained += 1;
    nextEvent = await log.next();
  }
  return { ok: true, checked, unchained, logHead: await store.headPosition(), chainHead: lastLink ? { position: lastLink.position, hash: lastLink.hash } : null, problem: null };
}

function chainHeadOf(chain: HashChainStore): { position: number; hash: string } | null {
  const head = chain.head();
  return head ? { position: head.position, hash: head.hash } : null;
}
