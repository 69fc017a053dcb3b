/** Who asks, and the thread of causes the resulting events belong to. */
export interface CommandContext {
  actor: string;
  correlationId: string;
  causationId?: string | null;
  /** `api`, `seed`, `cli`, `import`… */
  source: string;
  /** Overrides the clock, for deterministic imports and tests. */
  now?: Date;
  /** Where a seeded fact comes from: the document's section and a short quote. */
  provenance?: { section: string; quote: string } | Array<{ section: string; quote: string }>;
}
