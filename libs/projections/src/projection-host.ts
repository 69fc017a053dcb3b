import type { Database } from 'better-sqlite3';
import type { SerializedSnapshot } from '#application';
import type { EventStore } from '#event-store';

export interface ProjectionStatus {
  name: string;
  version: number;
  position: number;
}

/**
 * Whatever keeps the read models up with the log, as the rest of the application sees it: where
 * they stand, whether they failed, and a way to wait until they show a write (read-your-writes).
 * `ProjectionRunner` does it on the calling thread; `WorkerProjectionHost` on a worker thread.
 */
export abstract class ProjectionHost {
  /** Where the projections run. */
  abstract readonly thread: 'main' | 'worker';
  /** The read-model file, for queries on this thread. */
  abstract readonly db: Database;
  /** Lowest checkpoint: everything up to it is visible in every read model. */
  abstract get checkpoint(): number;
  /** Why the projections stopped, if they did. */
  abstract get error(): Error | null;
  abstract statuses(): ProjectionStatus[];
  /** Resolves once every projection has applied `position`. */
  abstract waitFor(position: number, timeoutMs?: number): Promise<void>;
  /** Starts following the log written through `store`. */
  abstract start(store: EventStore): void;
  abstract stop(): Promise<void>;
  /**
   * Writes a write-side snapshot, already serialised, on the projections' thread when that is not
   * this one; false when it cannot (here the caller writes it itself).
   */
  offloadSnapshot(_snapshot: SerializedSnapshot): boolean {
    return false;
  }
}
