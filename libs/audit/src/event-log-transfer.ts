import { isPrivateStream, type EventStore, type NewEvent } from '#event-store';
import { eachEnvelope, type ExportedEnvelope } from './event-log-reader.js';

/** The whole log as NDJSON, one envelope per line, in position order; the access log stays in the store. */
export async function* exportNdjson(store: EventStore): AsyncGenerator<string> {
  for await (const envelope of eachEnvelope(store)) if (!isPrivateStream(envelope.stream)) yield `${JSON.stringify(envelope)}\n`;
}

export class ImportError extends Error {
  constructor(message: string, readonly line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = 'ImportError';
  }
}

export interface ImportReport {
  events: number;
  streams: number;
  /** Events whose position in this store differs from the exported one (only when the source had gaps). */
  positionsShifted: number;
}

function parseLine(text: string, line: number): ExportedEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ImportError('not valid JSON', line);
  }
  const e = value as Partial<ExportedEnvelope>;
  const ok = e && typeof e === 'object' && typeof e.id === 'string' && typeof e.type === 'string' && typeof e.stream === 'string'
    && Number.isInteger(e.revision) && Number.isInteger(e.position) && e.metadata !== null && typeof e.metadata === 'object'
    && typeof (e.metadata as Record<string, unknown>).recordedAt === 'string' && 'data' in e;
  if (!ok) throw new ImportError('not an event envelope (id, type, stream, revision, position, data, metadata.recordedAt)', line);
  return e as ExportedEnvelope;
}

/** Parses NDJSON lines (blank lines ignored) and checks the order a replay needs. */
export function* parseNdjson(lines: Iterable<string>): Generator<ExportedEnvelope> {
  let lineNo = 0;
  let lastPosition = 0;
  const revisions = new Map<string, number>();
  for (const text of lines) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const envelope = parseLine(text, lineNo);
    if (envelope.position <= lastPosition) throw new ImportError(`position ${envelope.position} does not follow ${lastPosition}`, lineNo);
    const expected = (revisions.get(envelope.stream) ?? -1) + 1;
    if (envelope.revision !== expected) throw new ImportError(`stream ${envelope.stream}: revision ${envelope.revision} where ${expected} was expected`, lineNo);
    revisions.set(envelope.stream, envelope.revision);
    lastPosition = envelope.position;
    yield envelope;
  }
}

/**
 * Replays exported envelopes into an EMPTY store, keeping ids, record times and all metadata, so
 * that the read models rebuilt from it are the same. Consecutive events of one stream go in one
 * append; appends are issued in windows without waiting for each, so the store's group commit
 * writes many per transaction while keeping their order.
 */
export async function importEnvelopes(store: EventStore, envelopes: Iterable<ExportedEnvelope>, onProgress?: (events: number) => void): Promise<ImportReport> {
  if ((await store.headPosition()) !== 0) throw new ImportError('the target store is not empty: import only into a fresh data directory');
  const streams = new Set<string>();
  let events = 0;
  let positionsShifted = 0;
  let window: Array<Promise<void>> = [];
  let group: ExportedEnvelope[] = [];
  const flushGroup = () => {
    if (group.length === 0) return;
    const batch = group;
    group = [];
    const first = batch[0]!;
    const newEvents: NewEvent[] = batch.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata as NewEvent['metadata'] }));
    window.push(
      store.appendToStream(first.stream, newEvents, { expectedRevision: first.revision === 0 ? 'no_stream' : first.revision - 1 }).then((result) => {
        result.events.forEach((stored, k) => { if (stored.position !== batch[k]!.position) positionsShifted += 1; });
      }),
    );
  };
  for (const envelope of envelopes) {
    if (group.length > 0 && (group[0]!.stream !== envelope.stream || group.length >= 1000)) flushGroup();
    group.push(envelope);
    streams.add(envelope.stream);
    events += 1;
    if (window.length >= 500) {
      await Promise.all(window);
      window = [];
      onProgress?.(events);
    }
  }
  flushGroup();
  await Promise.all(window);
  onProgress?.(events);
  return { events, streams: streams.size, positionsShifted };
}
