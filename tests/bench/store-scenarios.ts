import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore, WrongExpectedRevisionError } from '#event-store';
import { BareAppender, BareConflict, type Appender, type BareEvent, type BareSync } from './bare-appender.js';

/**
 * The event store alone, without HTTP, against the bare appender, in the same process and run:
 * - sequential: one writer, one event per append, round-robin over 50 streams, each append awaited;
 * - concurrent: 50 writers, each on its own stream, appending as fast as their acks come back;
 * - contended: 20 writers on one stream, each with the revision it last saw as expected revision,
 *   reading the head again after a conflict (what a command handler does).
 * Each figure counts acknowledged appends per second; each side runs twice, interleaved (in reverse
 * order the second time), and keeps its better run (the machine is shared).
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
}

function reportEvent(sheet: string, i: number): BareEvent {
  return {
    type: 'IndicatorReported',
    data: { sheetId: sheet, indicatorId: 'ind-1', reportId: randomUUID(), value: i, observedOn: '2026-11-30', territory: null, source: null, comment: null },
    metadata: { actor: 'bench', correlationId: randomUUID(), causationId: null, source: 'api' },
  };
}

class StoreAppender implements Appender {
  constructor(private readonly store: SqliteEventStore) {}
  async append(stream: string, events: BareEvent[], expectedRevision: number | 'any') {
    const r = await this.store.appendToStream(stream, events as never, { expectedRevision });
    return { nextExpectedRevision: r.nextExpectedRevision, position: r.position };
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

async function once(dir: string, scenario: Scenario, make: (path: string) => Appender, ms: number) {
  const path = join(dir, `store-scenario-${Math.random().toString(36).slice(2)}.sqlite`);
  const appender = make(path);
  // Warm-up: statements prepared, the file and its WAL created, the JIT past its first tier.
  await scenario.run(appender, Math.min(500, ms / 4));
  const t0 = performance.now();
  const r = await scenario.run(appender, ms);
  const rate = r.appends / ((performance.now() - t0) / 1000);
  await appender.close();
  for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
  return { rate, conflicts: r.conflicts };
}

export async function storeScenarios(dir: string, ms: number, log: (line: string) => void): Promise<StoreScenarioResult[]> {
  const out: StoreScenarioResult[] = [];
  const bare = (sync: BareSync) => (path: string) => new BareAppender(path, sync);
  const store = (path: string) => new StoreAppender(new SqliteEventStore({ path }));
  for (const scenario of scenarios) {
    const best = { bareFull: 0, bareOffload: 0, store: 0, storeConflicts: 0, bareConflicts: 0 };
    for (let round = 0; round < 2; round++) {
      // The order is reversed on the second round: what runs first meets a disk still busy with the files before it.
      const runs = [() => once(dir, scenario, bare('full'), ms), () => once(dir, scenario, bare('offload'), ms), () => once(dir, scenario, store, ms)];
      const [f, o, s] = round === 0
        ? [await runs[0]!(), await runs[1]!(), await runs[2]!()]
        : await (async () => { const s2 = await runs[2]!(); const o2 = await runs[1]!(); const f2 = await runs[0]!(); return [f2, o2, s2]; })();
      best.bareFull = Math.max(best.bareFull, f.rate);
      best.bareOffload = Math.max(best.bareOffload, o.rate);
      best.store = Math.max(best.store, s.rate);
      best.storeConflicts += s.conflicts;
      best.bareConflicts += o.conflicts + f.conflicts;
    }
    const ratio = best.store / Math.max(best.bareFull, best.bareOffload);
    log(`store, ${scenario.name}: ${Math.round(best.store)} appends/s; bare ${Math.round(best.bareFull)} (FULL) / ${Math.round(best.bareOffload)} (fsync offloaded) = ${ratio.toFixed(2)}×`);
    out.push({ scenario: scenario.name, ...best, ratio });
  }
  return out;
}
