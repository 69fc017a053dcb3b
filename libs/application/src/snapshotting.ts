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

  async read<S, E>(store: EventStore, stream: string, fold: Fold<S, E>): Promise<StreamState<S>> {
    const kind = snapshotKind(fold);
    const snapshot = this.snapshots.load(stream, kind);
    const recordedAt = snapshot ? await this.inLog(store, stream, kind, snapshot) : null;
    const start: StreamState<S> = snapshot && recordedAt !== null
      ? { state: fold.restore ? fold.restore(snapshot.state as S) : snapshot.state as S, revision: snapshot.revision, snapshotRevision: snapshot.revision, recordedAt }
      : { state: fold.initialState(), revision: -1, snapshotRevision: -1 };
    return foldStream(store, stream, fold, start);
  }

  /**
   * Whether the log still holds the event a snapshot was folded up to, recorded when the snapshot
   * says (snapshots saved before it kept that time are checked for the event alone): the record
   * time of that event, or null. A snapshot from another history (the log restored from a backup
   * older than the snapshots, or a node's snapshots kept beside another log) is not this stream's
   * state: it is discarded, and the stream folded from its first event.
   */
  private async inLog(store: EventStore, stream: string, kind: string, snapshot: { revision: number; recordedAt: string | null }): Promise<string | null> {
    const range = { fromRevision: snapshot.revision, toRevision: snapshot.revision };
    const [event] = store.readStreamFolded ? await store.readStreamFolded(stream, range) : await store.readStream(stream, range);
    if (event && event.revision === snapshot.revision && (snapshot.recordedAt === null || event.metadata.recordedAt === snapshot.recordedAt)) return event.metadata.recordedAt;
    this.snapshots.discard(stream, kind, snapshot.revision);
    return null;
  }

  /**
   * Saves a snapshot when enough events were folded since the last one: `snapshotEvery`, or half of
   * the stream as it was at its last snapshot when that is more. Writing a snapshot costs in
   * proportion to the state (a long stream's state holds every report), so a fixed interval would
   * make the longest streams pay the most per event; with the interval growing with the stream, each
   * event pays for serialising about two reports, whatever the stream's length. A tenth of the stream
   * made it ten reports, 6.5 % of the request thread under the bench's report load on its 33 sheets.
   * States that stay in memory need no snapshot to be read again; what a snapshot saves is the fold
   * of a state that left memory, and those are saved as they leave (`leaving`). The interval bounds
   * the fold after a crash, which saves nothing: at most a third of the stream.
   */
  committed<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): StreamState<S> {
    const every = Math.max(this.snapshotEvery, Math.floor(state.snapshotRevision / 2));
    if (state.revision - state.snapshotRevision < every) return state;
    return this.save(stream, fold, state);
  }

  /** A state leaving memory is saved when its snapshot lacks at least a tenth of `snapshotEvery` of its events. */
  leaving<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): void {
    if (state.revision - state.snapshotRevision < Math.max(1, Math.floor(this.snapshotEvery / 10))) return;
    this.save(stream, fold, state);
  }

  private save<S, E>(stream: string, fold: Fold<S, E>, state: StreamState<S>): StreamState<S> {
    try {
      this.snapshots.save(stream, snapshotKind(fold), state.revision, state.state, state.recordedAt ?? null);
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
