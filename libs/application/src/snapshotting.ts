import type { EventStore } from '#event-store';
import { snapshotKind, type SnapshotStore } from './snapshot-store.js';
import { foldStream, type Fold, type StateSource, type StreamState } from './stream-state.js';

/**
 * States read from the latest snapshot and the events after it, and saved every so many events: a
 * cold load of a long stream then folds its tail only.
 */
export class Snapshotting implements StateSource {
  constructor(
    private readonly snapshots: SnapshotStore,
    private readonly snapshotEvery = 1000,
  ) {}

  read<S, E>(store: EventStore, stream: string, fold: Fold<S, E>): Promise<StreamState<S>> {
    const snapshot = this.snapshots.load(stream, snapshotKind(fold));
    const start: StreamState<S> = snapshot
      ? { state: fold.restore ? fold.restore(snapshot.state as S) : snapshot.state as S, revision: snapshot.revision, snapshotRevision: snapshot.revision }
      : { state: fold.initialState(), revision: -1, snapshotRevision: -1 };
    return foldStream(store, stream, fold, start);
  }

  /**
   * Saves a snapshot when enough events were folded since the last one: `snapshotEvery`, or a tenth
   * of the stream when that is more. Writing a snapshot costs in proportion to the state (a long
   * stream's state holds every report), so a fixed interval would make the longest streams pay the
   * most per event (8 ms of the request thread per save on the bench's sheets); with the interval
   * growing with the stream, the cost per event stays flat, and a cold load still folds at most a
   * tenth of the stream after its snapshot.
   */
  committed<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): StreamState<S> {
    const every = Math.max(this.snapshotEvery, Math.floor(state.snapshotRevision / 10));
    if (state.revision - state.snapshotRevision < every) return state;
    try {
      this.snapshots.save(stream, snapshotKind(fold), state.revision, state.state);
      return { ...state, snapshotRevision: state.revision };
    } catch {
      // A snapshot is an optimisation: failing to write one never fails a stored command.
      return state;
    }
  }

  close(): void {
    this.snapshots.close();
  }
}
