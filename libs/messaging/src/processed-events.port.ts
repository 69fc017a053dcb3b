/**
 * The durable record of event ids a consumer has already applied, so that a redelivered event
 * (Kafka delivery is at-least-once) is not applied twice.
 */
export interface ProcessedEvents {
  /** The ids among `ids` already recorded for `consumer`. */
  seen(consumer: string, ids: readonly string[]): Promise<Set<string>>;
  /** Records the events as applied by `consumer`; recording an id twice is harmless. */
  record(consumer: string, events: ReadonlyArray<{ id: string; position: number }>): Promise<void>;
  close?(): Promise<void>;
}
