import type { EventStore, StoredEvent } from '#event-store';

/** The envelope as exported and hashed: every field of the stored event, data and metadata as written. */
export interface ExportedEnvelope {
  id: string;
  type: string;
  stream: string;
  revision: number;
  position: number;
  data: unknown;
  metadata: Record<string, unknown>;
}

/**
 * Reads envelopes in position order. Where the store can give the stored text (readAllRaw: both
 * adapters), that text is parsed as is, without upcasting: an audit looks at what was written, not at
 * today's reading of it. Any other store is read through readAll.
 */
export async function readEnvelopes(store: EventStore, fromPosition: number, limit: number): Promise<ExportedEnvelope[]> {
  const rows = await store.readAllRaw?.({ fromPosition, limit });
  if (rows !== undefined) {
    return rows.map((r) => ({ id: r.id, type: r.type, stream: r.stream, revision: r.revision, position: r.position, data: JSON.parse(r.data), metadata: JSON.parse(r.metadata) }));
  }
  const events: StoredEvent[] = await store.readAll({ fromPosition, limit });
  return events.map((e) => ({ id: e.id, type: e.type, stream: e.stream, revision: e.revision, position: e.position, data: e.data, metadata: { ...e.metadata } }));
}

/** Every envelope after `fromPosition`, batch by batch. */
export async function* eachEnvelope(store: EventStore, fromPosition = 0, batchSize = 2000): AsyncGenerator<ExportedEnvelope> {
  let from = fromPosition;
  for (;;) {
    const batch = await readEnvelopes(store, from, batchSize);
    if (batch.length === 0) return;
    for (const envelope of batch) yield envelope;
    from = batch[batch.length - 1]!.position;
  }
}
