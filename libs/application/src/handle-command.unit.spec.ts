import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { sheetDecider, sheetStream, type SheetState } from '#domain';
import { SqliteEventStore } from '#event-store';
import { handleCommand, handleCommands } from './handle-command.js';
import { StateCache } from './state-cache.js';
import { foldFromStart, type StateSource } from './stream-state.js';
import { metadataAt, reportCommand, reportedEvent, sheetCreated } from '../../../tests/support/write-fixtures.js';

const stream = sheetStream('s1');
const reportsOf = (state: SheetState) => [...state.indicators.get('i1')!.reports.keys()];

describe('handleCommand: read the stream, fold, decide, append with the expected revision', () => {
  let store: SqliteEventStore;
  beforeEach(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await store.appendToStream(stream, [sheetCreated()]);
  });
  afterEach(() => store.close());

  it('given a sheet, when a report is handled, then its event is appended after the stream\'s last one and answered', async () => {
    const outcome = await handleCommand(store, stream, sheetDecider, reportCommand('x1'));

    const events = await store.readStream(stream);
    expect(events.map((e) => e.type)).toEqual(['SheetCreated', 'IndicatorReported']);
    expect(outcome).toEqual({ eventIds: [events[1]!.id], revision: 1, position: events[1]!.position });
  });

  it('records who asked, the thread of causes and the source with each event; the store stamps the record time', async () => {
    const before = new Date().toISOString();
    await handleCommand(store, stream, sheetDecider, reportCommand('x1', '2024-02-01', metadataAt('2024-06-30T12:00:00Z', { actor: 'pilot:t2@org-a', correlationId: 'corr', causationId: 'cmd-9' })));

    const [, reported] = await store.readStream(stream);
    expect(reported!.metadata).toMatchObject({ actor: 'pilot:t2@org-a', correlationId: 'corr', causationId: 'cmd-9', source: 'test' });
    expect(reported!.metadata.recordedAt >= before).toBe(true);
  });

  it('decides with the clock the command carries: a day after its `now` is in the future, whatever the machine\'s date', async () => {
    await expect(handleCommand(store, stream, sheetDecider, reportCommand('x1', '2024-07-01', metadataAt('2024-06-30T23:59:59Z'))))
      .rejects.toMatchObject({ code: 'date_in_future' });
    await handleCommand(store, stream, sheetDecider, reportCommand('x1', '2024-07-01', metadataAt('2024-07-01T00:00:00Z')));
    expect(await store.streamRevision(stream)).toBe(1);
  });

  it('when the decider refuses, then nothing is appended and its error is the answer', async () => {
    await handleCommand(store, stream, sheetDecider, reportCommand('x1'));
    await expect(handleCommand(store, stream, sheetDecider, reportCommand('x1'))).rejects.toMatchObject({ code: 'report_exists' });
    expect(await store.streamRevision(stream)).toBe(1);
  });

  it('checks `authorise` against the state the command is decided on, and stores nothing when it refuses', async () => {
    const seen: string[][] = [];
    const refuse = (state: SheetState) => { seen.push(state.fields.pilots); throw new Error('refused'); };
    await expect(handleCommand(store, stream, sheetDecider, reportCommand('x1'), { authorise: refuse })).rejects.toThrow('refused');
    expect(seen).toEqual([['org-a']]);
    expect(await store.streamRevision(stream)).toBe(0);
  });

  describe('given another writer appends between the read and the append', () => {
    /** Reads as the plain source does, then lets `writes` more events land before the caller appends. */
    const racedBy = (writes: number): StateSource => {
      let left = writes;
      return {
        async read(s, name, fold) {
          const current = await foldFromStart.read(s, name, fold);
          if (left-- > 0) await s.appendToStream(name, [reportedEvent(`elsewhere-${left}`)]);
          return current;
        },
        committed: (_name, _fold, state) => state,
      };
    };

    it('then the command is decided again on the new state and appended after the other writer\'s event', async () => {
      const outcome = await handleCommand(store, stream, sheetDecider, reportCommand('x1'), { states: racedBy(1) });

      expect(outcome.revision).toBe(2);
      const { state } = await foldFromStart.read(store, stream, sheetDecider);
      expect(reportsOf(state)).toEqual(['elsewhere-0', 'x1']);
    });

    describe('with the states kept in memory (StateCache) in front of a source that counts its reads', () => {
      /** The cache, behind a source that lets `writes` reports of another writer land after each read, until none is left. */
      const setUp = () => {
        const reads: number[] = [];
        const behind: StateSource = {
          read: async (s, name, fold) => { reads.push(1); return foldFromStart.read(s, name, fold); },
          committed: (_name, _fold, state) => state,
        };
        const cache = new StateCache(behind);
        let left = 0;
        const raced: StateSource = {
          async read(s, name, fold) {
            const current = await cache.read(s, name, fold);
            if (left-- > 0) await s.appendToStream(name, [reportedEvent(`elsewhere-${left}`)]);
            return current;
          },
          committed: (name, fold, state) => cache.committed(name, fold, state),
        };
        return { reads, cache, raced, race: (n: number) => { left = n; } };
      };
      const folded = async () => reportsOf((await foldFromStart.read(store, stream, sheetDecider)).state);

      it('then the reports the lost race was decided with are taken back: the retry folds only the other writer\'s event, and the state kept is the stream\'s', async () => {
        const { reads, cache, raced, race } = setUp();
        await handleCommand(store, stream, sheetDecider, reportCommand('x0'), { states: raced });
        expect(reads).toHaveLength(1);
        race(1);
        // Two reports decided together, then the race lost: both are taken back, last first.
        const answers = await handleCommands(store, stream, sheetDecider, [{ command: reportCommand('x1') }, { command: reportCommand('x2') }], { states: raced });

        expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled']);
        expect(reads).toHaveLength(1);
        expect(await folded()).toEqual(['x0', 'elsewhere-0', 'x1', 'x2']);
        const kept = await cache.read(store, stream, sheetDecider);
        expect(kept.revision).toBe(4);
        expect(reportsOf(kept.state)).toEqual(['x0', 'elsewhere-0', 'x1', 'x2']);
        expect(reads).toHaveLength(1);
      });

      it('then, for a decider without revert, the state is read again from the source behind, and comes out the same', async () => {
        const { reads, raced, race } = setUp();
        const { revert: _revert, ...withoutRevert } = sheetDecider;
        await handleCommand(store, stream, withoutRevert, reportCommand('x0'), { states: raced });
        race(1);
        await handleCommand(store, stream, withoutRevert, reportCommand('x1'), { states: raced });

        expect(reads).toHaveLength(2);
        expect(await folded()).toEqual(['x0', 'elsewhere-0', 'x1']);
      });

      it('then an event the decider cannot take back (a frequency set) drops the state, which is read again, and no report is lost', async () => {
        const { reads, cache, raced, race } = setUp();
        await handleCommand(store, stream, sheetDecider, reportCommand('x0'), { states: raced });
        race(1);
        const setFrequency = { type: 'SetIndicatorFrequency', data: { indicatorId: 'i1', frequency: 'monthly' }, metadata: metadataAt('2024-06-30T12:00:00Z') } as const;
        await handleCommands(store, stream, sheetDecider, [{ command: reportCommand('x1') }, { command: setFrequency }], { states: raced });

        expect(reads).toHaveLength(2);
        const kept = await cache.read(store, stream, sheetDecider);
        expect(reportsOf(kept.state)).toEqual(['x0', 'elsewhere-0', 'x1']);
        expect(kept.state.indicators.get('i1')!.frequency).toBe('monthly');
      });
    });

    it('then, when the stream keeps changing, it gives up after `maxAttempts` with concurrent_update and writes nothing of its own', async () => {
      await expect(handleCommand(store, stream, sheetDecider, reportCommand('x1'), { states: racedBy(3), maxAttempts: 3 }))
        .rejects.toMatchObject({ code: 'concurrent_update', kind: 'conflict' });
      const { state } = await foldFromStart.read(store, stream, sheetDecider);
      expect(reportsOf(state)).not.toContain('x1');
    });
  });
});
