import type { CommandClock } from '#domain';

/**
 * What a command carries besides its data, set where it enters the system (HTTP, seed, CLI): who
 * asks, when, and the thread of causes its events belong to.
 */
export interface CommandMetadata extends CommandClock {
  actor: string;
  correlationId: string;
  causationId?: string | null;
  /** `api`, `seed`, `cli`, `import`… */
  source: string;
  /** Where a seeded fact comes from: the document's section and a short quote. */
  provenance?: { section: string; quote: string } | Array<{ section: string; quote: string }>;
}

/** A domain command as it is handled: its type and data, and the metadata of the one who issued it. */
export type WithMetadata<C extends { type: string }> = C & { metadata: CommandMetadata };

/** A domain command before the edge gives it its metadata. */
export type WithoutMetadata<C> = C extends { metadata: unknown } ? Omit<C, 'metadata'> : never;

/**
 * The answer to a handled command. `AppendResult` is the store's; this is what every writer gets back,
 * and what the API answers.
 */
export interface CommandOutcome {
  eventIds: string[];
  /** Stream revision after the command (unchanged when it produced no event). */
  revision: number;
  /** Global position of the last event written (or the store head when nothing was written). */
  position: number;
}
