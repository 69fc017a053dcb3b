import type { EventStore } from '#event-store';
import { foldFromStart, foldStream, type Fold, type StateSource, type StreamState } from './stream-state.js';

/**
 * Committed states of the most recently used streams, in memory, in front of another source: at most
 * `size` streams and, together, the fold of at most `maxEvents` events (a sheet's state keeps every
 * report it was given, so its memory grows with its stream: under a write load on many sheets the
 * count of streams alone bounded nothing). The least recently used go first; a state larger than
 * the whole budget is not kept (its next command reads it from the source, i.e. its snapshot).
 *
 * A read takes its stream's entry out (evolve changes states in place) and `committed` puts it back
 * only once its events are stored, so an entry is always exactly the fold of the stream up to its
 * revision. Writers elsewhere are caught up by reading the events after that revision; nothing is
 * read at all when the store vouches that the stream is still at that revision. A state dropped to
 * make room, or still held when the process closes (`flush`), is handed to the source behind
 * (`leaving`: the snapshots save it).
 */
/** A state kept, with the fold that made it (what a snapshot of it is named after). */
interface Entry {
  state: StreamState<unknown>;
  fold: Fold<unknown, unknown>;
}

export class StateCache implements StateSource {
  private readonly states = new Map<string, Entry>();
  /** Events folded into the states kept: the sum of their revisions + 1. */
  private events = 0;

  constructor(
    private readonly inner: StateSource = foldFromStart,
    private readonly size = 256,
    private readonly maxEvents = Number.POSITIVE_INFINITY,
  ) {}

  /** Streams kept, and the events folded into them. */
  get held(): { streams: number; events: number } {
    return { streams: this.states.size, events: this.events };
  }

  read<S, E>(store: EventStore, stream: string, fold: Fold<S, E>): Promise<StreamState<S>> {
    const entry = this.states.get(stream);
    if (!entry) return this.inner.read(store, stream, fold);
    const cached = entry.state as StreamState<S>;
    this.forget(stream, cached);
    if (store.knownRevision?.(stream) === cached.revision) return Promise.resolve(cached);
    return foldStream(store, stream, fold, cached);
  }

  committed<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): StreamState<S> {
    const kept = this.inner.committed(stream, fold, state);
    const previous = this.states.get(stream);
    if (previous) this.forget(stream, previous.state);
    // Kept, it would push every other state out and still be over the budget.
    if (kept.revision + 1 > this.maxEvents) return kept;
    this.states.set(stream, { state: kept, fold: fold as Fold<unknown, unknown> });
    this.events += kept.revision + 1;
    while (this.states.size > 0 && (this.states.size > this.size || this.events > this.maxEvents)) {
      const [oldest, entry] = this.states.entries().next().value as [string, Entry];
      this.forget(oldest, entry.state);
      this.inner.leaving?.(oldest, entry.fold, entry.state);
    }
    return kept;
  }

  /** Hands every state held to the source behind, as if leaving memory (the process closes); keeps them. */
  flush(): void {
    for (const [stream, entry] of this.states) this.inner.leaving?.(stream, entry.fold, entry.state);
  }

  private forget(stream: string, entry: StreamState<unknown>): void {
    this.states.delete(stream);
    this.events -= entry.revision + 1;
  }
}
