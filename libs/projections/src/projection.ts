import type { Database } from 'better-sqlite3';
import type { FoldedLogEvent, StoredEvent } from '#event-store';

/**
 * A read model: a name, a version (bump it when its tables or logic change: the runner then rebuilds
 * it from the log), the tables it owns, and a batch handler. The runner calls `apply` inside the
 * transaction that also moves the projection's checkpoint, so a crash never applies an event twice
 * nor skips one. `E`: what it reads of each event; a projection that reads only a fold's fields and the
 * stream (FoldedLogEvent) can be fed by a replay that parses no more of the log (readAllFolded), one
 * that also reads the actor (LoggedEvent) by readAllLogged.
 */
export interface Projection<E extends FoldedLogEvent = StoredEvent> {
  readonly name: string;
  readonly version: number;
  readonly tables: readonly string[];
  /**
   * Creates the tables (idempotent DDL). With `bulk` (a rebuild into a fresh file), secondary indexes
   * are left out and `endBulk` builds them once the log is replayed: one sorted build instead of a
   * million random inserts.
   */
  setup(db: Database, options?: { bulk?: boolean }): void;
  /** Applies events in position order; runs inside the runner's transaction. */
  apply(db: Database, events: readonly E[]): void;
  /** After a bulk replay: creates the indexes and applies whatever the projection deferred. */
  endBulk?(db: Database): void;
  /**
   * The transaction of the last `apply` rolled back: whatever the projection keeps in memory from
   * what it applied there is ahead of its tables and must be forgotten.
   */
  rolledBack?(): void;
}
