import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore, WrongExpectedRevisionError } from '#event-store';
import { BareAppender, BareConflict, type Appender, type BareEvent } from './bare-appender.js';

/**
 * The event store alone, without HTTP, against the bare appender, in the same process and run:
 * - sequential: one writer, one event per append, round-robin over 50 streams, each append awaited;
 * - concurrent: 50 writers, each on its own stream, appending as fast as their acks come back;
 * - contended: 20 writers on one stream, each with the revision it last saw as expected revision,
 *   reading the head again after a conflict (what a command handler does).
 * Each figure counts acknowledged appends per second over the same total time, the sides taking
 * turns in short slices (see sideBySide).
 */
export interface StoreScenarioResult {
  scenario: string;
  bareFull: number;
  bareOffload: number;
  store: number;
  /** store / the better bare mode */
  ratio: number;
  storeConflicts: number;
  bareConflicts: number;
  /** The store's fsyncs of the WAL over the scenario, and how many ran on the calling thread (a lone writer's). */
  storeSyncs: { commits: number; syncs: number; inline: number };
}

function reportEvent(sheet: string, i: number): BareEvent {
  return {
    type: 'IndicatorReported',
    data: { sheetId: sheet, indicatorId: 'ind-1', reportId: randomUUID(), value: i, observedOn: '2026-11-30', territory: null, source: null, comment: null },
    metadata: { actor: 'bench', correlationId: randomUUID(), causationId: null, source: 'api' },
  };
}

class StoreAppender implements Appender {
  constructor(readonly store: SqliteEventStore) {}
  // No wrapper of its own around the store's promise: the bare side has none either.
  append(stream: string, events: BareEvent[], expectedRevision: number | 'any') {
    return this.store.appendToStream(stream, events as never, { expectedRevision });
  }
  revision(stream: string) { return this.store.streamRevision(stream); }
  close() { return this.store.close(); }
}

const isConflict = (e: unknown) => e instanceof WrongExpectedRevisionError || e instanceof BareConflict;

type Scenario = { name: string; run: (a: Appender, ms: number) => Promise<{ appends: number; conflicts: number }> };

const scenarios: Scenario[] = [
  {
    name: 'one sequential writer, 50 streams',
    async run(a, ms) {
      const end = performance.now() + ms;
      let n = 0;
      while (performance.now() < end) { await a.append(`sheet-seq-${n % 50}`, [reportEvent(`seq-${n % 50}`, n)], 'any'); n++; }
      return { appends: n, conflicts: 0 };
    },
  },
  {
    name: '50 concurrent writers, one stream each',
    async run(a, ms) {
      const end = performance.now() + ms;
      let n = 0;
      await Promise.all(Array.from({ length: 50 }, async (_, w) => {
        while (performance.now() < end) { await a.append(`sheet-conc-${w}`, [reportEvent(`conc-${w}`, n)], 'any'); n++; }
      }));
      return { appends: n, conflicts: 0 };
    },
  },
  {
    name: '20 writers contending on one stream',
    async run(a, ms) {
      const end = performance.now() + ms;
      let n = 0;
      let conflicts = 0;
      await Promise.all(Array.from({ length: 20 }, async () => {
        let known = await a.revision('sheet-hot');
        while (performance.now() < end) {
          try {
            known = (await a.append('sheet-hot', [reportEvent('hot', n)], known)).nextExpectedRevision;
            n++;
          } catch (error) {
            if (!isConflict(error)) throw error;
            conflicts++;
            known = await a.revision('sheet-hot');
          }
        }
      }));
      return { appends: n, conflicts };
    },
  },
];

interface Side { name: 'bareFull' | 'bareOffload' | 'store'; appender: Appender; path: string; appends: number; ms: number; conflicts: number }

/**
 * The three sides in short slices, in turn (the order rotated each time), so that each meets the
 * same disk: on this shared virtual disk one fsync takes 0.6 ms in one second and 2 ms in the next,
 * which, run one after the other, decided the ratio more than the code did.
 */
async function sideBySide(dir: string, scenario: Scenario, ms: number): Promise<{ sides: Side[]; storeSyncs: StoreScenarioResult['storeSyncs'] }> {
  const file = (name: string) => join(dir, `store-scenario-${name}.sqlite`);
  const sides: Side[] = [
    { name: 'bareFull', path: file('bare-full'), appender: new BareAppender(file('bare-full'), 'full'), appends: 0, ms: 0, conflicts: 0 },
    { name: 'bareOffload', path: file('bare-offload'), appender: new BareAppender(file('bare-offload'), 'offload'), appends: 0, ms: 0, conflicts: 0 },
    { name: 'store', path: file('store'), appender: new StoreAppender(new SqliteEventStore({ path: file('store') })), appends: 0, ms: 0, conflicts: 0 },
  ];
  // Warm-up: statements prepared, the files and their WAL created, the JIT past its first tier.
  for (const side of sides) await scenario.run(side.appender, 300);
  const slices = 6;
  for (let i = 0; i < slices; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length]!;
      const t0 = performance.now();
      const r = await scenario.run(side.appender, ms / slices);
      side.ms += performance.now() - t0;
      side.appends += r.appends;
      side.conflicts += r.conflicts;
    }
  }
  const { commits, walSyncs, walSyncsInline } = (sides.find((x) => x.name === 'store')!.appender as StoreAppender).store.stats;
  for (const side of sides) {
    await side.appender.close();
    for (const p of [side.path, `${side.path}-wal`, `${side.path}-shm`]) rmSync(p, { force: true });
  }
  return { sides, storeSyncs: { commits, syncs: walSyncs, inline: walSyncsInline } };
}

export async function storeScenarios(dir: string, ms: number, log: (line: string) => void): Promise<StoreScenarioResult[]> {
  const out: StoreScenarioResult[] = [];
  for (const scenario of scenarios) {
    const { sides, storeSyncs } = await sideBySide(dir, scenario, ms);
    const rate = (name: Side['name']) => { const s = sides.find((x) => x.name === name)!; return s.appends / (s.ms / 1000); };
    const best = { bareFull: rate('bareFull'), bareOffload: rate('bareOffload'), store: rate('store') };
    const ratio = best.store / Math.max(best.bareFull, best.bareOffload);
    const storeConflicts = sides.find((x) => x.name === 'store')!.conflicts;
    const bareConflicts = sides.filter((x) => x.name !== 'store').reduce((a, x) => a + x.conflicts, 0);
    log(`store, ${scenario.name}: ${Math.round(best.store)} appends/s; bare ${Math.round(best.bareFull)} (FULL) / ${Math.round(best.bareOffload)} (fdatasync offloaded) = ${ratio.toFixed(2)}×`
      + ` (store: ${storeSyncs.commits} commits, ${storeSyncs.syncs} fsyncs of which ${storeSyncs.inline} on the calling thread)`);
    out.push({ scenario: scenario.name, ...best, ratio, storeConflicts, bareConflicts, storeSyncs });
  }
  return out;
}
