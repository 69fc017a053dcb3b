import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TokenStore } from '#auth';
import { authenticateFresh, type authenticate } from '../auth/request-principal.js';
import { TokenBuckets } from './token-bucket.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes are rate limited per token (per IP for callers without a valid token): 429 with
 * Retry-After once the bucket is empty. Reads are not limited here: they change nothing.
 */
export function registerRateLimit(fastify: FastifyInstance, perMinute: number, tokens: TokenStore): void {
  if (perMinute <= 0) return;
  const buckets = new TokenBuckets(perMinute);
  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method)) return;
    const auth = await authenticateFresh(request as unknown as Parameters<typeof authenticate>[0], tokens);
    const key = 'principal' in auth && auth.principal ? `token:${auth.principal.tokenId}` : `ip:${request.ip}`;
    const result = buckets.take(key);
    if (result.allowed) return;
    request.log.warn({ msg: 'write refused', reason: 'rate limited', tokenId: 'principal' in auth ? auth.principal?.tokenId : undefined, ip: request.ip, method: request.method, url: request.url });
    return reply
      .code(429)
      .header('Retry-After', String(result.retryAfterSeconds))
      .type('application/json')
      .send({ statusCode: 429, error: 'too_many_requests', message: `more than ${perMinute} writes per minute; retry in ${result.retryAfterSeconds} s`, details: { retryAfterSeconds: result.retryAfterSeconds } });
  });
}
