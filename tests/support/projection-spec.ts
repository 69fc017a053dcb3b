import { expect } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { SqliteEventStore, type StoredEvent } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner, readModelsOf, type Projection, type TrackerReadModels } from '#projections';
import { sheetStream } from '#domain';

/**
 * An event as a spec states it: type and data, the stream taken from the data (`sheet-<sheetId>`,
 * else `roadmap-<roadmapId>`) unless given, and the record time when the spec is about knownAt
 * (by default one second after the previous event from 2020-01-01, so that two runs of a spec write
 * the same rows: ids are numbered too).
 */
export interface SpecEvent {
  type: string;
  data: Record<string, unknown>;
  stream?: string;
  recordedAt?: string;
  /** The schema version the event is stored with; 1, the store's default, when absent. */
  schemaVersion?: number;
}

/** What `then` can look at once the projections have applied the events. */
export interface ProjectionSpecContext {
  db: Database;
  readModels: TrackerReadModels;
  /** The log the events were appended to: time travel reads it. */
  store: SqliteEventStore;
  events: StoredEvent[];
  /** Rows of a query on the read-model db. */
  rows: (sql: string, ...params: unknown[]) => unknown[];
}

export interface ProjectionSpecOptions {
  /** The projections under test (all of them by default), fresh instances. */
  projections?: () => Projection[];
  /** Apply as a rebuild does: no secondary indexes until the end, then `endBulk`. */
  bulk?: boolean;
}

const META = { actor: 'spec', correlationId: 'spec', causationId: null, source: 'spec' };
const RECORDED_FROM = Date.UTC(2020, 0, 1);
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const streamOf = (e: SpecEvent): string => {
  if (e.stream) return e.stream;
  if (typeof e.data.sheetId === 'string') return sheetStream(e.data.sheetId);
  if (typeof e.data.roadmapId === 'string') return `roadmap-${e.data.roadmapId}`;
  throw new Error(`no stream for ${e.type}: give one`);
};

/**
 * Given these events (already projected), when these are (in a later batch), then the read model
 * holds these rows or answers this: the events are appended to an in-memory log, in the order given,
 * and applied by the projection runner to a fresh in-memory read-model db.
 *
 *   await sheetsSpec.given(created).when(reported('r1', 10)).then(({ readModels }) => ...);
 *   await sheetsSpec.given(created).when(reported('r1', 10)).thenRows('SELECT reportId, value FROM indicator_reports', [{ reportId: 'r1', value: 10 }]);
 */
export function projectionSpec(options: ProjectionSpecOptions = {}) {
  const run = async (given: SpecEvent[], when: SpecEvent[], assert: (ctx: ProjectionSpecContext) => unknown): Promise<void> => {
    const store = new SqliteEventStore({ path: ':memory:' });
    const db = openReadModelDb(':memory:');
    try {
      const append = async (events: SpecEvent[]) => {
        const from = await store.headPosition();
        for (const [k, e] of events.entries()) {
          const n = from + k + 1;
          const recordedAt = e.recordedAt ?? new Date(RECORDED_FROM + n * 1000).toISOString();
          await store.appendToStream(streamOf(e), [{ id: idOf(n), type: e.type, data: e.data, metadata: { ...META, recordedAt, ...(e.schemaVersion ? { schemaVersion: e.schemaVersion } : {}) } }]);
        }
        return store.readAll({ fromPosition: from, limit: events.length });
      };
      const runner = new ProjectionRunner(db, (options.projections ?? allProjections)(), undefined, { bulk: options.bulk === true });
      const givenEvents = await append(given);
      if (givenEvents.length) runner.applyBatch(givenEvents);
      const whenEvents = await append(when);
      if (whenEvents.length) runner.applyBatch(whenEvents);
      if (options.bulk) runner.endBulk();
      await assert({
        db, store, events: [...givenEvents, ...whenEvents], readModels: readModelsOf(db, store),
        rows: (sql, ...params) => db.prepare(sql).all(...params),
      });
    } finally {
      await store.close();
      db.close();
    }
  };
  return {
    given: (...given: SpecEvent[]) => ({
      when: (...when: SpecEvent[]) => ({
        then: (assert: (ctx: ProjectionSpecContext) => unknown) => run(given, when, assert),
        /** The query's rows, in its order, equal these. */
        thenRows: (sql: string, expected: unknown[], ...params: unknown[]) => run(given, when, ({ rows }) => expect(rows(sql, ...params)).toEqual(expected)),
      }),
    }),
  };
}
