import { sheetIdOf } from '#domain';
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenStore } from '#auth';
import type { EventStore, StoredEvent } from '#event-store';
import { setCommandId } from '../http/request-context.js';
import { uploadedFile, uploadFingerprint } from '../http/uploaded-file.js';
import { authenticateFresh, type authenticate } from '../auth/request-principal.js';
import type { IdempotencyRecords, PendingWrite, StoredAnswer } from '#idempotency';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,200}$/;
/** Answers about the caller's standing rather than about the request: a retry must be judged afresh. */
/** How long a duplicate waits for the first request before being told to retry. */
const WAIT_MS = 30_000;
const NOT_KEPT = new Set([401, 403, 408, 429]);

interface Claim {
  scope: string;
  key: string;
  fingerprint: string;
  release: () => void;
}
const CLAIM = Symbol('scoran:idempotency');

/** Key order does not make two bodies different. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** What makes two requests "the same" for an Idempotency-Key: method, path and canonical body (for an upload, its file's digest). */
export const fingerprintOf = (method: string, path: string, body: unknown) => createHash('sha256').update(`${method} ${path}\n${canonical(body ?? null)}`).digest('hex');
/** The command id an idempotent request's events carry: the same for every retry of it. */
export const commandIdOf = (scope: string, key: string) => `idem-${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex').slice(0, 32)}`;

function problem(reply: FastifyReply, statusCode: number, error: string, message: string) {
  return reply.code(statusCode).type('application/json').send({ statusCode, error, message });
}

/**
 * Idempotent writes: a write sent again with the same Idempotency-Key and the same body gets the
 * first answer back, byte for byte, and does nothing; with another body it is refused (422).
 * Concurrent duplicates queue behind the first and then replay its answer. Only finished answers
 * are kept (never a 5xx), so a request that failed or was cut short may be retried for real.
 *
 * Runs as Fastify hooks rather than a Nest interceptor because a replay must reproduce the status
 * and the exact bytes of any earlier answer, error bodies included, which only onSend sees.
 */
/**
 * After a crash between storing a write's events and storing its answer, the claim is still there:
 * the events its command id produced are looked for in the log written since the claim, and the
 * answer the write would have given is rebuilt from them. Null when the write never landed.
 */
async function recoverAnswer(events: EventStore, pending: PendingWrite, path: string): Promise<string | null> {
  const found: StoredEvent[] = [];
  for (let from = pending.headBefore; ;) {
    const page = await events.readAll({ fromPosition: from, limit: 2000 });
    if (page.length === 0) break;
    for (const e of page) if (e.metadata.causationId === pending.commandId) found.push(e);
    from = page[page.length - 1]!.position;
  }
  if (found.length === 0) return null;
  const last = found[found.length - 1]!;
  const result = { eventIds: found.map((e) => e.id), revision: last.revision, position: last.position };
  // Same shape and key order as the controllers' answers.
  return JSON.stringify(path === '/api/sheets' ? { sheetId: sheetIdOf(last.stream), ...result } : result);
}

export function registerIdempotency(fastify: FastifyInstance, store: IdempotencyRecords, tokens: TokenStore, events: EventStore): void {
  const inFlight = new Map<string, Promise<void>>();

  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method)) return;
    const raw = request.headers[IDEMPOTENCY_HEADER];
    if (raw === undefined) return;
    if (typeof raw !== 'string' || !KEY.test(raw)) return problem(reply, 400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 200 printable ASCII characters');
    const auth = await authenticateFresh(request as unknown as Parameters<typeof authenticate>[0], tokens);
    // Refused callers get their 401 from the guard; nothing of theirs is kept or replayed.
    if ('refused' in auth) return;
    const scope = auth.principal ? `token:${auth.principal.tokenId}` : `ip:${request.ip}`;
    // The query string is part of the request (a dry run and the import it tried are two requests).
    const path = request.url;
    let body: unknown = request.body;
    if (typeof request.isMultipart === 'function' && request.isMultipart()) {
      // A multipart body is not parsed into request.body: the uploaded bytes are what tell two requests apart.
      try {
        body = uploadFingerprint(await uploadedFile(request));
      } catch {
        // The handler meets the same refusal and answers it; nothing is claimed under the key.
        return;
      }
    }
    const fingerprint = fingerprintOf(request.method, path ?? '', body);
    const slot = `${scope}\u0000${raw}`;
    const replay = (stored: StoredAnswer) => stored.fingerprint !== fingerprint
      ? problem(reply, 422, 'idempotency_key_reused', 'this Idempotency-Key was already used for another request; use a new key for a new request')
      : reply.code(stored.statusCode).header('idempotent-replayed', 'true').type(stored.contentType).send(stored.body);
    for (;;) {
      const stored = await store.get(scope, raw);
      if (stored) return replay(stored);
      const running = inFlight.get(slot);
      if (!running) break;
      const finished = await Promise.race([running.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), WAIT_MS).unref())]);
      if (!finished) return problem(reply, 409, 'idempotent_request_in_progress', 'a request with this Idempotency-Key is still being processed; retry later');
    }
    let release!: () => void;
    inFlight.set(slot, new Promise<void>((resolve) => { release = () => { inFlight.delete(slot); resolve(); }; }));
    try {
      for (const since = Date.now(); ;) {
        const pending = await store.claimed(scope, raw);
        if (pending) {
          if (pending.fingerprint !== fingerprint) {
            release();
            return problem(reply, 422, 'idempotency_key_reused', 'this Idempotency-Key was already used for another request; use a new key for a new request');
          }
          // Held by another node sharing the store, still running: its answer is the one to give.
          if (pending.owner !== store.owner && store.isLive(pending)) {
            if (Date.now() - since > WAIT_MS) {
              release();
              return problem(reply, 409, 'idempotent_request_in_progress', 'a request with this Idempotency-Key is still being processed; retry later');
            }
            await new Promise((r) => setTimeout(r, 20));
            const stored = await store.get(scope, raw);
            if (stored) {
              release();
              return replay(stored);
            }
            continue;
          }
          const recovered = await recoverAnswer(events, pending, path ?? '');
          if (recovered !== null) {
            await store.put(scope, raw, { fingerprint, statusCode: 201, contentType: 'application/json; charset=utf-8', body: recovered });
            release();
            return reply.code(201).header('idempotent-replayed', 'true').type('application/json; charset=utf-8').send(recovered);
          }
        }
        const commandId = commandIdOf(scope, raw);
        if (await store.tryClaim(scope, raw, { fingerprint, commandId, headBefore: await events.headPosition() }, pending ?? undefined)) {
          setCommandId(request, commandId);
          break;
        }
        // Another node claimed it between our look and our claim: its answer, or its claim, decides.
        const stored = await store.get(scope, raw);
        if (stored) {
          release();
          return replay(stored);
        }
      }
    } catch (error) {
      release();
      throw error;
    }
    (request as unknown as Record<symbol, Claim>)[CLAIM] = { scope, key: raw, fingerprint, release };
  });

  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claim = (request as unknown as Record<symbol, Claim | undefined>)[CLAIM];
    if (!claim) return payload;
    (request as unknown as Record<symbol, Claim | undefined>)[CLAIM] = undefined;
    try {
      const status = reply.statusCode;
      if (status < 500 && !NOT_KEPT.has(status) && (typeof payload === 'string' || payload === null || payload === undefined || Buffer.isBuffer(payload))) {
        const body = payload == null ? '' : payload.toString();
        // An answer not to be kept anywhere (a new token's secret) is marked so: see IdempotencyRecords.
        const secret = /no-store/.test(String(reply.getHeader('cache-control') ?? ''));
        await store.put(claim.scope, claim.key, { fingerprint: claim.fingerprint, statusCode: status, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8'), body, secret });
      } else {
        await store.release(claim.scope, claim.key);
      }
    } finally {
      claim.release();
    }
    return payload;
  });

  // A request whose answer could not be sent frees its key once the exchange is over (never on the
  // client's abort alone: the write may still be running, and a retry must wait for it).
  fastify.addHook('onResponse', async (request: FastifyRequest) => {
    const claim = (request as unknown as Record<symbol, Claim | undefined>)[CLAIM];
    if (claim) {
      (request as unknown as Record<symbol, Claim | undefined>)[CLAIM] = undefined;
      claim.release();
    }
  });
}
