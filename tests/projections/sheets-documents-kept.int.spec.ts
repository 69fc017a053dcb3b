import { describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { sheetStream } from '#domain';
import { SqliteEventStore, type StoredEvent } from '#event-store';
import { EventFeedProjection, openReadModelDb, ProjectionRunner, RoadmapsProjection, SheetsProjection, type Projection } from '#projections';
import { dumpReadModels } from '../support/read-model-dump.js';
import type { SpecEvent } from '../support/projection-spec.js';
import { carriedOver, completed, corrected, milestoneReached, reported, roadmapCreated, sheetCreated, versionDrafted } from '../support/sheet-events.js';

/** Three sheets written in turn: reports, corrections that move the latest value back, a milestone, a carry-over, a completion. */
function events(): SpecEvent[] {
  const out: SpecEvent[] = [roadmapCreated(), versionDrafted('V4'), versionDrafted('V5', 'V4')];
  for (const s of ['a', 'b', 'c']) out.push(sheetCreated(s));
  for (let k = 0; k < 30; k++) {
    const s = ['a', 'b', 'c'][k % 3]!;
    out.push(reported(s, `${s}-r${k}`, k, `2023-${String((k % 12) + 1).padStart(2, '0')}-01`, { territory: k % 4 === 0 ? '37' : null }));
    if (k % 7 === 6) out.push(corrected(s, `${s}-r${k}`, k + 1, '2020-01-15'));
  }
  out.push(milestoneReached('a', '2023-05-02'), carriedOver('b', 'V4', 'V5', { number: '5.2' }), reported('b', 'b-late', 3, '2024-02-01'), completed('c', '2024-03-31'));
  return out;
}

async function storedEvents(): Promise<{ store: SqliteEventStore; stored: StoredEvent[] }> {
  const store = new SqliteEventStore({ path: ':memory:' });
  for (const [n, e] of events().entries()) {
    const stream = typeof e.data.sheetId === 'string' ? sheetStream(e.data.sheetId) : `roadmap-${String(e.data.roadmapId)}`;
    const recordedAt = new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString();
    await store.appendToStream(stream, [{ id: `00000000-0000-4000-8000-${String(n + 1).padStart(12, '0')}`, type: e.type, data: e.data, metadata: { actor: 'spec', correlationId: 'spec', causationId: null, source: 'spec', recordedAt } }]);
  }
  return { store, stored: await store.readAll() };
}

/** Batches of 1, 2, 3… events, as a live runner gets them. */
function inBatches(stored: StoredEvent[]): StoredEvent[][] {
  const batches: StoredEvent[][] = [];
  for (let i = 0, size = 1; i < stored.length; i += size, size = (size % 4) + 1) batches.push(stored.slice(i, i + size));
  return batches;
}

const projections = (documentsKept: number, extra: Projection[] = []): Projection[] => [
  new RoadmapsProjection(), new SheetsProjection('all', { documentsKept }), new EventFeedProjection(), ...extra,
];

function applyAll(db: Database, list: Projection[], batches: StoredEvent[][]): void {
  const runner = new ProjectionRunner(db, list);
  for (const batch of batches) runner.applyBatch(batch);
}

describe('sheet documents kept between batches', () => {
  it('writes the same rows as reading every document again, whatever the bound', async () => {
    const { store, stored } = await storedEvents();
    const batches = inBatches(stored);
    const dumps = [0, 1, 2, 256].map((kept) => {
      const db = openReadModelDb(':memory:');
      applyAll(db, projections(kept), batches);
      const dump = dumpReadModels(db);
      db.close();
      return dump;
    });
    await store.close();
    expect(dumps[0]!.sheet_summary).toHaveLength(3);
    for (const dump of dumps.slice(1)) expect(dump).toEqual(dumps[0]);
  });

  it('forgets what a batch kept when its transaction rolls back, so that the batch applied again counts once', async () => {
    const { store, stored } = await storedEvents();
    const batches = inBatches(stored);
    const reference = openReadModelDb(':memory:');
    applyAll(reference, projections(0), batches);

    // A projection after the sheets that fails once, on a batch of reports: the sheets' work on it rolls back.
    let failed = false;
    const failingOnce: Projection = {
      name: 'failing-once', version: 1, tables: [],
      setup: () => undefined,
      apply: (_db, events) => {
        if (!failed && events.some((e) => e.type === 'IndicatorReported') && events[0]!.position > 20) {
          failed = true;
          throw new Error('failed once');
        }
      },
    };
    const db = openReadModelDb(':memory:');
    const runner = new ProjectionRunner(db, projections(256, [failingOnce]));
    for (const batch of batches) {
      try {
        runner.applyBatch(batch);
      } catch {
        runner.applyBatch(batch);
      }
    }
    expect(failed).toBe(true);
    expect(dumpReadModels(db)).toEqual(dumpReadModels(reference));
    db.close();
    reference.close();
    await store.close();
  });
});
