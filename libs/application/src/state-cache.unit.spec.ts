import { describe, expect, it } from '@jest/globals';
import type { EventStore } from '#event-store';
import { StateCache } from './state-cache.js';
import type { Fold, StateSource, StreamState } from './stream-state.js';

const fold = { name: 'counter', snapshotSchemaVersion: 1, initialState: () => ({}), evolve: (s: object) => s } as unknown as Fold<object, never>;
/** A source that counts its reads, standing for the snapshots behind the cache. */
const source = () => {
  const reads: string[] = [];
  const left: string[] = [];
  const inner: StateSource = {
    read: async <S>(_store: EventStore, stream: string) => { reads.push(stream); return { state: {} as S, revision: 9, snapshotRevision: -1 }; },
    committed: (_stream, _fold, state) => state,
    leaving: (stream, f, state) => { left.push(`${stream}@${state.revision}:${f.name}`); },
  };
  return { reads, left, inner };
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

  it('hands a state dropped to make room, and every state held when flushed, to the source behind; never one taken out for a command', async () => {
    const { left, inner } = source();
    const cache = new StateCache(inner, 2, 1000);
    cache.committed('a', fold, at(3));
    cache.committed('b', fold, at(4));
    await cache.read({ knownRevision: () => 3 } as unknown as EventStore, 'a', fold); // taken out while a command runs: not leaving memory
    expect(left).toEqual([]);
    cache.committed('a', fold, at(5));
    cache.committed('c', fold, at(6)); // b is the least recently used
    expect(left).toEqual(['b@4:counter']);
    cache.flush();
    expect(left).toEqual(['b@4:counter', 'a@5:counter', 'c@6:counter']);
    expect(cache.held).toEqual({ streams: 2, events: 13 });
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
