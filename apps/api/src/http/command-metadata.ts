import type { CommandMetadata } from '#application';
import type { CommandOrigin } from './request-ids.decorator.js';

/** The metadata a command gets where it enters over HTTP: the caller, the request's ids, and the clock. */
export function commandMetadata({ actor, correlationId, causationId }: CommandOrigin): CommandMetadata {
  return { now: new Date(), actor, correlationId, causationId, source: 'api' };
}
