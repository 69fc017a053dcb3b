import type { EventStore } from '#event-store';
import { foldFromStart, foldStream, type Fold, type StateSource, type StreamState } from './stream-state.js';

/**
 * Committed states of the most recently used streams, in memory, in front of another source.
 *
 * A read takes its stream's entry out (evolve changes states in place) and `committed` puts it back
 * only once its events are stored, so an entry is always exactly the fold of the stream up to its
 * revision. Writers elsewhere are caught up by reading the events after that revision; nothing is
 * read at all when the store vouches that the stream is still at that revision.
 */
export class StateCache implements StateSource {
  private readonly states = new Map<string, StreamState<unknown>>();

  constructor(
    private readonly inner: StateSource = foldFromStart,
    private readonly size = 256,
  ) {}

  read<S, E>(store: EventStore, stream: string, fold: Fold<S, E>): Promise<StreamState<S>> {
    const cached = this.states.get(stream) as StreamState<S> | undefined;
    if (!cached) return this.inner.read(store, stream, fold);
    this.states.delete(stream);
    if (store.knownRevision?.(stream) === cached.revision) return Promise.resolve(cached);
    return foldStream(store, stream, fold, cached);
  }

  committed<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): StreamState<S> {
    const kept = this.inner.committed(stream, fold, state);
    this.states.set(stream, kept);
    if (this.states.size > this.size) this.states.delete(this.states.keys().next().value as string);
    return kept;
  }
}
