import { randomBytes } from 'node:crypto';
import { Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProjectionHost } from '#projections';
import { ACCESS, type Access } from '../auth/access.decorator.js';

export const UNCACHED = 'scoran:uncached';
/** A public read whose answer does not follow the log (health, metrics): no validator, no 304. */
export const Uncached = () => SetMetadata(UNCACHED, true);

const TAG = Symbol('scoran:etag');
type Tagged = FastifyRequest & { [TAG]?: string };

/** Answered by the exception filter with an empty 304. */
export class NotModified extends Error {
  constructor(readonly etag: string) {
    super('not modified');
  }
}

/** A restart may change how the same state is rendered: its validators never match the previous process's. */
const BOOT = randomBytes(4).toString('hex');

/**
 * Public reads are validated by the read models' log position: an answer is a function of the
 * position the read models reached, of the day (lateness is relative to today) and of the running
 * code. The tag is taken before the handler reads, so an answer may only be newer than its tag
 * (a later request then gets a full answer), never older.
 *
 * A guard that always lets the request through rather than an interceptor: Nest wraps every handler
 * of the application in rxjs observables and async scopes as soon as one interceptor is registered
 * globally, which cost the report endpoint ~5 % of its request thread; a guard runs at the same
 * point (after the authentication guard, before the pipes) and its NotModified reaches the same filter.
 */
@Injectable()
export class LogPositionTags implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ProjectionHost) private readonly projections: ProjectionHost,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    // switchToHttp().getRequest() without its three closures per call (see AuthGuard).
    const request = context.getArgByIndex<Tagged>(0);
    // Writes and credentialed requests are never tagged: decided before the metadata look-ups.
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.headers.authorization !== undefined) return true;
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'public';
    const uncached = this.reflector.getAllAndOverride<boolean | undefined>(UNCACHED, [context.getHandler(), context.getClass()]);
    if (access !== 'public' || uncached) return true;
    const etag = `W/"${this.projections.checkpoint}.${new Date().toISOString().slice(0, 10)}.${BOOT}"`;
    const sent = request.headers['if-none-match'];
    if (sent && sent.split(',').some((t) => t.trim() === etag || t.trim() === '*')) throw new NotModified(etag);
    request[TAG] = etag;
    return true;
  }
}

/**
 * `Cache-Control: no-store` on every answer to a request that carried credentials (an answer may show
 * a token's secret, who did what, or a pilot's view) and on every write's; the validator of a tagged
 * public read on its successful answer.
 */
export function registerCacheHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request: Tagged, reply: FastifyReply, payload) => {
    const credentials = request.headers.authorization !== undefined;
    if (credentials || (request.method !== 'GET' && request.method !== 'HEAD')) {
      reply.header('Cache-Control', 'no-store');
      reply.removeHeader('ETag');
      reply.removeHeader('Last-Modified');
      return payload;
    }
    const etag = request[TAG];
    if (etag && reply.statusCode === 200) {
      reply.header('ETag', etag);
      if (!reply.hasHeader('Cache-Control')) reply.header('Cache-Control', 'no-cache');
    }
    return payload;
  });
}
