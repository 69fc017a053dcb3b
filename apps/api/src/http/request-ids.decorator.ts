import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '#auth';
import { actorOf } from '../auth/access.decorator.js';
import { requestIds } from './request-context.js';

/** Who writes and the thread of causes a write's events record (see `requestIds`). */
export interface CommandOrigin {
  principal: Principal;
  /** The principal as events record it (`actorOf`). */
  actor: string;
  correlationId: string;
  causationId: string;
}

/**
 * The origin of a write: the caller the guard authenticated, the client's correlation id and the
 * id of the command the request carries (stable across retries of an idempotent request).
 */
export const CommandOrigin = createParamDecorator((_: unknown, ctx: ExecutionContext): CommandOrigin => {
  // switchToHttp().getRequest() without its three closures per call (see AuthGuard).
  const request = ctx.getArgByIndex<FastifyRequest & { principal?: Principal }>(0);
  const principal = request.principal!;
  return { principal, actor: actorOf(principal), ...requestIds(request) };
});
