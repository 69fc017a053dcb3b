import type { Database } from 'better-sqlite3';
import { PositionWaiters, type EventStore, type FoldedLogEvent, type StoredEvent, type Subscription } from '#event-store';
import type { Projection } from './projection.js';
import { ProjectionHost, type ProjectionStatus } from './projection-host.js';
import { upcastStored } from './upcast-stored.js';

export type { ProjectionStatus } from './projection-host.js';

export interface ProjectionRunnerOptions {
  /** A rebuild into a fresh file: tables without secondary indexes until `endBulk` (see Projection.setup). */
  bulk?: boolean;
  /** Called after each batch is committed, with the position every projection has reached. */
  onApplied?: (position: number) => void;
  /** Called once when a projection fails (the runner stops there). */
  onFailed?: (error: Error) => void;
}

/**
 * Feeds projections from a catch-up subscription. Each batch is applied to every projection that has
 * not seen it, and the checkpoints move, in ONE read-model transaction.
 */
export class ProjectionRunner<E extends FoldedLogEvent = StoredEvent> extends ProjectionHost {
  readonly thread = 'main';
  private subscription: Subscription | null = null;
  private position = 0;
  private readonly waiters = new PositionWaiters();
  private failure: Error | null = null;
  private readonly getCheckpoint;
  private readonly putCheckpoint;

  constructor(
    readonly db: Database,
    private readonly projections: readonly Projection<E>[],
    private readonly batchSize = 2000,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    super();
    this.getCheckpoint = db.prepare<[string], { version: number; position: number }>('SELECT version, position FROM projection_checkpoints WHERE name = ?');
    this.putCheckpoint = db.prepare(
      `INSERT INTO projection_checkpoints (name, version, position, updated_at) VALUES (@name, @version, @position, @updatedAt)
       ON CONFLICT(name) DO UPDATE SET version = excluded.version, position = excluded.position, updated_at = excluded.updated_at`,
    );
    this.prepare();
  }

  /** Creates tables; a projection whose stored version differs is dropped and starts again from 0. */
  private prepare(): void {
    this.db.transaction(() => {
      for (const p of this.projections) {
        const cp = this.getCheckpoint.get(p.name);
        if (cp && cp.version !== p.version) {
          for (const t of p.tables) this.db.exec(`DROP TABLE IF EXISTS ${t}`);
          this.putCheckpoint.run({ name: p.name, version: p.version, position: 0, updatedAt: new Date().toISOString() });
        }
        p.setup(this.db, { bulk: this.options.bulk === true });
        if (!cp) this.putCheckpoint.run({ name: p.name, version: p.version, position: 0, updatedAt: new Date().toISOString() });
      }
    })();
    this.position = Math.min(...this.statuses().map((s) => s.position));
  }

  statuses(): ProjectionStatus[] {
    return this.projections.map((p) => ({ name: p.name, version: p.version, position: this.getCheckpoint.get(p.name)?.position ?? 0 }));
  }

  /** Lowest checkpoint: everything up to it is visible in every read model. */
  get checkpoint(): number {
    return this.position;
  }

  get error(): Error | null {
    return this.failure;
  }

  /** Applies one batch synchronously (used by the subscription and by rebuilds). */
  applyBatch(events: readonly E[]): void {
    if (events.length === 0) return;
    const last = events[events.length - 1]!.position;
    // Read models fold the current schema, whatever fed them (a store opened without the upcaster, a relay).
    events = events.map(upcastStored);
    try {
      this.db.transaction(() => {
        const updatedAt = new Date().toISOString();
        for (const p of this.projections) {
          const from = this.getCheckpoint.get(p.name)?.position ?? 0;
          if (from >= last) continue;
          const fresh = from < events[0]!.position ? events : events.filter((e) => e.position > from);
          p.apply(this.db, fresh);
          this.putCheckpoint.run({ name: p.name, version: p.version, position: last, updatedAt });
        }
      })();
    } catch (error) {
      for (const p of this.projections) p.rolledBack?.();
      throw error;
    }
    this.position = last;
    this.waiters.reached(last);
    this.options.onApplied?.(last);
  }

  /** Ends a bulk replay: each projection builds its indexes and applies what it deferred, in one transaction. */
  endBulk(): void {
    this.db.transaction(() => {
      for (const p of this.projections) p.endBulk?.(this.db);
    })();
  }

  start(this: ProjectionRunner<StoredEvent>, store: EventStore): void {
    if (this.subscription) return;
    this.subscription = store.subscribeToAll(
      (events) => {
        try {
          this.applyBatch(events);
        } catch (error) {
          // A projection bug must not be skipped over silently: stop here, report it in health and lag.
          this.failure = error instanceof Error ? error : new Error(String(error));
          this.waiters.rejectAll(this.failure);
          this.options.onFailed?.(this.failure);
          throw error;
        }
      },
      { fromPosition: this.position, batchSize: this.batchSize },
    );
  }

  /** Read-your-writes: resolves once every projection has applied `position`. */
  waitFor(position: number, timeoutMs = 5000): Promise<void> {
    if (position <= this.position) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return this.waiters.wait(position, timeoutMs, () => `read models did not reach position ${position} within ${timeoutMs} ms`);
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }
}
