/**
 * Streams whose events stay inside the store: the access log (`access-…`, token hashes and access
 * rights) and the claims and answers of idempotent writes (`idempotency-…`, answers as sent to one
 * caller). Every view that leaves the store (the NDJSON export, the Kafka topic, the event feed,
 * GET /api/events) leaves them out; the audit hash chain covers them, since it never shows an
 * event's content.
 */
export const PRIVATE_STREAM_PREFIXES = ['access-', 'idempotency-'] as const;

export const isPrivateStream = (stream: string): boolean => PRIVATE_STREAM_PREFIXES.some((prefix) => stream.startsWith(prefix));
