/**
 * Streams whose events stay inside the store: the access log (`access-…`) holds token hashes and
 * access rights. Every view that leaves the store (the NDJSON export, the Kafka topic, the event
 * feed, GET /api/events) leaves them out; the audit hash chain covers them, since it never shows
 * an event's content.
 */
export const PRIVATE_STREAM_PREFIX = 'access-';

export const isPrivateStream = (stream: string): boolean => stream.startsWith(PRIVATE_STREAM_PREFIX);
