/**
 * Where a relay (or any catch-up reader of the event store) remembers the last global position it
 * has fully handed on. It must be durable: after a restart, reading resumes right after it.
 */
export interface CheckpointStore {
  /** The saved position for `name`, or 0 (start of the log) when nothing was saved yet. */
  load(name: string): Promise<number>;
  /** Resolves once the position is durable. */
  save(name: string, position: number): Promise<void>;
  close?(): Promise<void>;
}
