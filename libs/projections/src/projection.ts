import type { Database } from 'better-sqlite3';
import type { StoredEvent } from '../../event-store/src/index.js';

/**
 * A read model: a name, a version (bump it when its tables or logic change: the runner then rebuilds
 * it from the log), the tables it owns, and a batch handler. The runner calls `apply` inside the
 * transaction that also moves the projection's checkpoint, so a crash never applies an event twice
 * nor skips one.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly tables: readonly string[];
  /** Creates the tables (idempotent DDL). */
  setup(db: Database): void;
  /** Applies events in position order; runs inside the runner's transaction. */
  apply(db: Database, events: readonly StoredEvent[]): void;
}

export type ProjectionFactory = () => Projection;
