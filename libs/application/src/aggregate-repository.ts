import { DomainError, type Decider } from '#domain';
import { WrongExpectedRevisionError, type EventStore, type NewEvent, type StoredEvent } from '#event-store';
import type { CommandContext } from './command-context.js';
import { snapshotKind, type SnapshotStore } from './snapshot-store.js';

export interface CommandOutcome {
  eventIds: string[];
  /** Stream revision after the command (unchanged when it produced no event). */
  revision: number;
  /** Global position of the last event written (or the store head when nothing was written). */
  position: number;
  events: StoredEvent[];
}

interface DomainEventShape {
  type: string;
  data: unknown;
}

interface Pending {
  decider: Decider<any, DomainEventShape, any>;
  command: { type: string };
  ctx: CommandContext;
  guard?: (state: any) => void;
  resolve: (outcome: CommandOutcome) => void;
  reject: (error: unknown) => void;
}

type Fold<S, E> = Pick<Decider<never, E, S>, 'name' | 'snapshotSchemaVersion' | 'initialState' | 'evolve'>;

/** A folded state as committed at `revision`, and the revision of the last snapshot saved for it. */
interface Folded {
  state: unknown;
  revision: number;
  snapshotRevision: number;
}

export interface AggregateRepositoryOptions {
  maxAttempts?: number;
  /** Where folded states are saved every `snapshotEvery` events; none: every cold load folds the whole stream. */
  snapshots?: SnapshotStore;
  snapshotEvery?: number;
  /** Committed states kept in memory (the most recently used streams). */
  cachedStreams?: number;
}

/**
 * Load → fold → decide → append with the expected revision: the whole life of a command.
 *
 * Commands on one stream that arrive together are decided one after the other against the same
 * folded state and appended in ONE append: they never conflict with each other, and they share a
 * commit. Each command still gets its own answer (its events, or its DomainError). A writer in
 * another process makes the append fail on the expected revision; the batch is then decided again
 * against the new state, a bounded number of times, so that no update is lost and no rule skipped.
 */
/** Events read per step when folding a stream. */
const FOLD_CHUNK = 2000;

export class AggregateRepository {
  private readonly queues = new Map<string, Pending[]>();
  /**
   * Committed states of recently used streams. A command takes its stream's entry out while it is
   * decided (evolve mutates states in place) and puts it back only once its events are stored, so
   * an entry is always exactly the fold of the stream up to its revision. Writers elsewhere are
   * caught up by reading the events after that revision.
   */
  private readonly folded = new Map<string, Folded>();
  private readonly kinds = new WeakMap<object, string>();
  private readonly maxAttempts: number;
  private readonly snapshots: SnapshotStore | undefined;
  private readonly snapshotEvery: number;
  private readonly cachedStreams: number;

  constructor(
    private readonly store: EventStore,
    options: AggregateRepositoryOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { maxAttempts: options } : options;
    this.maxAttempts = o.maxAttempts ?? 8;
    this.snapshots = o.snapshots;
    this.snapshotEvery = o.snapshotEvery ?? 1000;
    this.cachedStreams = o.cachedStreams ?? 256;
  }

  /**
   * The state of a stream as stored now, folded afresh (from the latest snapshot when there is one):
   * the caller may keep or change it without touching what commands are decided on.
   */
  async load<S, E extends DomainEventShape>(stream: string, decider: Fold<S, E>): Promise<{ state: S; revision: number }> {
    const { state, revision } = await this.foldFromStore(stream, decider);
    return { state: state as S, revision };
  }

  close(): void {
    this.snapshots?.close();
  }

  private kindOf(decider: Fold<unknown, never>): string {
    let kind = this.kinds.get(decider);
    if (!kind) {
      kind = snapshotKind(decider);
      this.kinds.set(decider, kind);
    }
    return kind;
  }

  private async foldFromStore<S, E extends DomainEventShape>(stream: string, decider: Fold<S, E>): Promise<Folded> {
    const snapshot = this.snapshots?.load(stream, this.kindOf(decider as Fold<unknown, never>)) ?? null;
    const start: Folded = snapshot
      ? { state: snapshot.state, revision: snapshot.revision, snapshotRevision: snapshot.revision }
      : { state: decider.initialState(), revision: -1, snapshotRevision: -1 };
    return this.catchUp(stream, decider, start);
  }

  /** Folds the events stored after `folded.revision` into it. */
  private async catchUp<S, E extends DomainEventShape>(stream: string, decider: Fold<S, E>, folded: Folded): Promise<Folded> {
    // In chunks: a long stream without a snapshot is never held in memory as a whole.
    let state = folded.state as S;
    let revision = folded.revision;
    for (;;) {
      const events = await this.store.readStream(stream, { fromRevision: revision + 1, toRevision: revision + FOLD_CHUNK });
      for (const e of events) state = decider.evolve(state, e as unknown as E);
      if (events.length === 0) break;
      revision = events[events.length - 1]!.revision;
      if (events.length < FOLD_CHUNK) break;
    }
    return { state, revision, snapshotRevision: folded.snapshotRevision };
  }

  /** Takes the stream's committed state out of the cache (or folds it), brought up to the store's revision. */
  private async take<S, E extends DomainEventShape>(stream: string, decider: Fold<S, E>): Promise<Folded> {
    const cached = this.folded.get(stream);
    if (!cached) return this.foldFromStore(stream, decider);
    this.folded.delete(stream);
    // Nothing to read when the store vouches that the stream is still where this state left it.
    if (this.store.knownRevision?.(stream) === cached.revision) return cached;
    return this.catchUp(stream, decider, cached);
  }

  /**
   * Puts a committed state back, saving a snapshot when enough events were folded since the last one:
   * `snapshotEvery`, or a tenth of the stream when that is more. Writing a snapshot costs in proportion
   * to the state (a long stream's state holds every report), so a fixed interval would make the
   * longest streams pay the most per event (8 ms of the request thread per save on the bench's sheets);
   * with the interval growing with the stream, the cost per event stays flat, and a cold load still
   * folds at most a tenth of the stream after its snapshot.
   */
  private keep(stream: string, decider: Fold<unknown, never>, folded: Folded): void {
    const every = Math.max(this.snapshotEvery, Math.floor(folded.snapshotRevision / 10));
    if (this.snapshots && folded.revision - folded.snapshotRevision >= every) {
      try {
        this.snapshots.save(stream, this.kindOf(decider), folded.revision, folded.state);
        folded = { ...folded, snapshotRevision: folded.revision };
      } catch {
        // A snapshot is an optimisation: failing to write one never fails a stored command.
      }
    }
    this.folded.set(stream, folded);
    if (this.folded.size > this.cachedStreams) this.folded.delete(this.folded.keys().next().value as string);
  }

  /**
   * `guard` runs against the state the command is decided on, just before `decide`: an access rule
   * that depends on the aggregate (a pilot writes only on its own sheets) is then checked without a
   * second load, and against exactly the state the command sees.
   */
  handle<C extends { type: string }, E extends DomainEventShape, S>(
    stream: string,
    decider: Decider<C, E, S>,
    makeCommand: (today: string) => C,
    ctx: CommandContext,
    options: { guard?: (state: S) => void } = {},
  ): Promise<CommandOutcome> {
    const now = ctx.now ?? new Date();
    const command = makeCommand(now.toISOString().slice(0, 10));
    return new Promise((resolve, reject) => {
      const pending: Pending = { decider: decider as unknown as Pending['decider'], command, ctx, guard: options.guard, resolve, reject };
      const queue = this.queues.get(stream);
      if (queue) {
        queue.push(pending);
        return;
      }
      this.queues.set(stream, [pending]);
      void this.drain(stream);
    });
  }

  private async drain(stream: string): Promise<void> {
    const queue = this.queues.get(stream)!;
    while (queue.length) {
      const batch = queue.splice(0, queue.length);
      try {
        await this.process(stream, batch);
      } catch (error) {
        for (const p of batch) p.reject(error);
      }
    }
    this.queues.delete(stream);
  }

  private async process(stream: string, batch: Pending[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const decider = batch[0]!.decider;
      const folded = await this.take(stream, decider);
      let state = folded.state;
      const revision = folded.revision;
      const decided: Array<{ p: Pending; events: DomainEventShape[] } | { p: Pending; error: unknown }> = [];
      for (const p of batch) {
        try {
          p.guard?.(state);
          const events = p.decider.decide(p.command, state);
          for (const e of events) state = p.decider.evolve(state, e);
          decided.push({ p, events });
        } catch (error) {
          decided.push({ p, error });
        }
      }
      const toAppend: NewEvent[] = [];
      for (const d of decided) {
        if (!('events' in d)) continue;
        for (const e of d.events) toAppend.push(this.envelope(e, d.p.ctx));
      }
      if (toAppend.length === 0) {
        // Nothing was evolved: the state is still the committed one.
        this.keep(stream, decider, { ...folded, state });
        const head = await this.store.headPosition();
        for (const d of decided) {
          if ('error' in d) d.p.reject(d.error);
          else d.p.resolve({ eventIds: [], revision, position: head, events: [] });
        }
        return;
      }
      try {
        const result = await this.store.appendToStream(stream, toAppend, { expectedRevision: revision === -1 ? 'no_stream' : revision });
        this.keep(stream, decider, { state, revision: result.nextExpectedRevision, snapshotRevision: folded.snapshotRevision });
        let offset = 0;
        for (const d of decided) {
          if ('error' in d) { d.p.reject(d.error); continue; }
          const mine = result.events.slice(offset, offset + d.events.length);
          offset += d.events.length;
          const last = mine[mine.length - 1] ?? result.events[offset - 1] ?? result.events[0]!;
          d.p.resolve({ eventIds: mine.map((e) => e.id), revision: mine.length ? last.revision : revision, position: mine.length ? last.position : result.position, events: mine });
        }
        return;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) {
          throw new DomainError('concurrent_update', `stream ${stream} kept changing while the command was decided; retry`, 'conflict');
        }
        await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
      }
    }
  }

  private envelope(e: DomainEventShape, ctx: CommandContext): NewEvent {
    return {
      type: e.type,
      data: e.data,
      metadata: {
        actor: ctx.actor,
        correlationId: ctx.correlationId,
        causationId: ctx.causationId ?? null,
        source: ctx.source,
        ...(ctx.provenance ? { provenance: ctx.provenance } : {}),
        ...(ctx.now ? { recordedAt: ctx.now.toISOString() } : {}),
      },
    };
  }
}
