import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sheetDecider, sheetStream } from '#domain';
import { SqliteEventStore } from '#event-store';
import { handleCommands } from './handle-command.js';
import { StateCache } from './state-cache.js';
import { StreamBatcher, type HandleBatch } from './stream-batcher.js';
import { reportCommand, sheetCreated } from '../../../tests/support/write-fixtures.js';

describe('StreamBatcher: commands on one stream that arrive together are decided in turn and appended together', () => {
  let store: SqliteEventStore;
  /** The size of every batch handed to handleCommands, per stream. */
  let batches: Array<[string, number]>;
  let batcher: StreamBatcher;
  let options: { states: StateCache };

  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await store.appendToStream(sheetStream('s1'), [sheetCreated('s1')]);
    await store.appendToStream(sheetStream('s2'), [sheetCreated('s2')]);
    batches = [];
    const recording: HandleBatch = (s, stream, decider, requests, o) => {
      batches.push([stream, requests.length]);
      return handleCommands(s, stream, decider, requests, o);
    };
    batcher = new StreamBatcher(recording);
    options = { states: new StateCache() };
  });
  afterEach(() => store.close());

  const report = (sheetId: string, reportId: string) => batcher.handleCommand(store, sheetStream(sheetId), sheetDecider, reportCommand(reportId), options);

  it('given one command being handled, when four more arrive on its stream, then they are decided as one batch and stored in one append', async () => {
    const outcomes = await Promise.all(['x1', 'x2', 'x3', 'x4', 'x5'].map((id) => report('s1', id)));

    expect(batches).toEqual([[sheetStream('s1'), 1], [sheetStream('s1'), 4]]);
    // Each command has its own answer: its own event, in arrival order, at consecutive revisions.
    expect(outcomes.map((o) => o.revision)).toEqual([1, 2, 3, 4, 5]);
    const events = await store.readStream(sheetStream('s1'));
    expect(outcomes.map((o) => o.eventIds)).toEqual(events.slice(1).map((e) => [e.id]));
    expect(events.slice(1).map((e) => (e.data as { reportId: string }).reportId)).toEqual(['x1', 'x2', 'x3', 'x4', 'x5']);
    expect(outcomes.map((o) => o.position)).toEqual(events.slice(1).map((e) => e.position));
  });

  it('decides each command of a batch on the state the previous ones left: a duplicate in the batch is refused alone, the others are stored', async () => {
    const first = report('s1', 'x1');
    const rest = ['x2', 'x2', 'x3'].map((id) => report('s1', id).then((o) => o.revision, (e: { code: string }) => e.code));

    await first;
    expect(await Promise.all(rest)).toEqual([2, 'report_exists', 3]);
    expect(batches).toEqual([[sheetStream('s1'), 1], [sheetStream('s1'), 3]]);
  });

  it('keeps streams apart: commands on two sheets are never in the same batch', async () => {
    await Promise.all([report('s1', 'a1'), report('s2', 'b1'), report('s1', 'a2'), report('s2', 'b2')]);

    // Each first command is handled alone, the second waits for its own stream only.
    const sizesOf = (sheetId: string) => batches.filter(([stream]) => stream === sheetStream(sheetId)).map(([, size]) => size);
    expect(batches).toHaveLength(4);
    expect(sizesOf('s1')).toEqual([1, 1]);
    expect(sizesOf('s2')).toEqual([1, 1]);
    expect(batches.slice(0, 2).map(([stream]) => stream).sort()).toEqual([sheetStream('s1'), sheetStream('s2')]);
    expect(await store.streamRevision(sheetStream('s1'))).toBe(2);
    expect(await store.streamRevision(sheetStream('s2'))).toBe(2);
  });

  it('when a batch fails as a whole (the store refuses the append), then each of its commands gets that error, and the stream takes new commands after it', async () => {
    const append = store.appendToStream.bind(store);
    let failures = 1;
    store.appendToStream = (stream, events, o) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : append(stream, events, o));

    const answers = await Promise.allSettled([report('s1', 'x1'), report('s1', 'x2')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'fulfilled']);
    expect((answers[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'disk full' });
    expect((await report('s1', 'x3')).revision).toBe(2);
  });
});
