import type { StoredEvent } from '#event-store';

/**
 * Only the roadmap and its sheets are published. An allow-list rather than `isPrivateStream` (the
 * access log, idempotency claims), so that a stream added later stays private until someone decides
 * otherwise.
 */
const PUBLISHED_STREAM = /^(roadmap|sheet)-/;

/** An event as an anonymous reader may see it: what happened and when it was recorded, never who did it. */
export interface PublicEvent {
  position: number;
  type: string;
  stream: string;
  revision: number;
  /** The sheet the event is about, for sheet streams (what a sheet page listens for). */
  sheetId: string | null;
  recordedAt: string;
  data: unknown;
}

/** The public view of an event, or null when its stream is not published. Metadata (actor, correlation, causation, source) is left out. */
export function publicEvent(e: StoredEvent): PublicEvent | null {
  if (!PUBLISHED_STREAM.test(e.stream)) return null;
  return {
    position: e.position, type: e.type, stream: e.stream, revision: e.revision,
    sheetId: e.stream.startsWith('sheet-') ? e.stream.slice('sheet-'.length) : null,
    recordedAt: e.metadata.recordedAt, data: e.data,
  };
}

/** One Server-Sent Events message: the id is the global position, so Last-Event-ID resumes from it. */
export function sseMessage(e: PublicEvent): string {
  // JSON.stringify escapes line breaks, so the data fits on the single `data:` line the format needs.
  return `id: ${e.position}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}
