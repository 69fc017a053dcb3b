import type { CommandMetadata } from '#application';
import type { Principal } from '#auth';
import { actorOf } from '../auth/access.decorator.js';
import { requestIds } from './request-context.js';

/** The metadata a command gets where it enters over HTTP: the caller, the request's ids, and the clock. */
export function commandMetadata(request: { headers: Record<string, unknown> }, principal: Principal | null): CommandMetadata {
  const { correlationId, causationId } = requestIds(request);
  return { now: new Date(), actor: actorOf(principal), correlationId, causationId, source: 'api' };
}
