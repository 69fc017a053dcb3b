import type { CommandOutcome } from '#application';
import type { ProjectionHost } from '#projections';

/**
 * A write that is stored (durable, in the log) but that the read models do not show: they stopped on
 * an error, or lag by more than the wait. It is answered 202 with the write's ids and position, never
 * with an error: a client that retried an answered write would report a value twice.
 */
export class StoredNotVisible extends Error {
  constructor(readonly result: CommandOutcome, override readonly cause: unknown) {
    super(`the write is stored at position ${result.position}, but the read models do not show it yet: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StoredNotVisible';
  }
}

/** Read-your-writes: the outcome of a write, once every read model shows it; or throws StoredNotVisible. */
export async function visible(host: ProjectionHost, outcome: CommandOutcome): Promise<CommandOutcome> {
  try {
    await host.waitFor(outcome.position);
    return outcome;
  } catch (error) {
    throw new StoredNotVisible(outcome, error);
  }
}
