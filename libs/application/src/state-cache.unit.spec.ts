import { describe, expect, it } from '@jest/globals';
import type { EventStore } from '#event-store';
import { StateCache } from './state-cache.js';
import type { Fold, StateSource, StreamState } from './stream-state.js';

const fold = { name: 'counter', snapshotSchemaVersion: 1, initialState: () => ({}), evolve: (s: object) => s } as unknown as Fold<object, never>;
/** A source that counts its reads, standing for the snapshots behind the cache. */
const source = () => {
  const reads: string[] = [];
  const inner: StateSource = {
    read: async <S>(_store: EventStore, stream: string) => { reads.push(stream); return { state: {} as S, revision: 9, snapshotRevision: -1 }; },
    committed: (_stream, _fold, state) => state,
  };
  return { reads, inner };
};
// The store vouches for every stream: a kept state is used as it is.
const store = { knownRevision: () => 9 } as unknown as EventStore;
const at = (revision: number): StreamState<object> => ({ state: {}, revision, snapshotRevision: -1 });

describe('StateCache', () => {
  it('keeps the fold of at most maxEvents events, dropping the least recently used streams first', async () => {
    const { reads, inner } = source();
    const cache = new StateCache(inner, 100, 25);
    cache.committed('a', fold, at(9));
    cache.committed('b', fold, at(9));
    expect(cache.held).toEqual({ streams: 2, events: 20 });
    cache.committed('c', fold, at(9));
    expect(cache.held).toEqual({ streams: 2, events: 20 });
    await cache.read(store, 'b', fold);
    await cache.read(store, 'a', fold);
    expect(reads).toEqual(['a']);
  });

  it('does not keep a state larger than the whole budget (nor drop the others for it), nor count a stream twice', () => {
    const { inner } = source();
    const cache = new StateCache(inner, 100, 25);
    cache.committed('a', fold, at(9));
    cache.committed('a', fold, at(11));
    expect(cache.held).toEqual({ streams: 1, events: 12 });
    cache.committed('big', fold, at(99));
    expect(cache.held).toEqual({ streams: 1, events: 12 });
  });
});
