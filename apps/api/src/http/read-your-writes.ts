import type { ProjectionHost } from '#projections';

/** What a write answers: its events, the stream's revision after it, and the log position of its last event. */
export interface WriteResult {
  eventIds: string[];
  revision: number;
  position: number;
}

/**
 * A write that is stored (durable, in the log) but that the read models do not show: they stopped on
 * an error, or lag by more than the wait. It is answered 202 with the write's ids and position, never
 * with an error: a client that retried an answered write would report a value twice.
 */
export class StoredNotVisible extends Error {
  constructor(readonly result: WriteResult, override readonly cause: unknown) {
    super(`the write is stored at position ${result.position}, but the read models do not show it yet: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoredNotVisible';
  }
}

/** Read-your-writes: the answer to a write, once every read model shows it; or throws StoredNotVisible. */
export async function visible(host: ProjectionHost, outcome: WriteResult): Promise<WriteResult> {
  const result: WriteResult = { eventIds: outcome.eventIds, revision: outcome.revision, position: outcome.position };
  try {
    await host.waitFor(result.position);
    return result;
  } catch (error) {
    throw new StoredNotVisible(result, error);
  }
}
