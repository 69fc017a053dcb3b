import { randomUUID } from 'node:crypto';

const COMMAND_ID = Symbol.for('scoran:commandId');
const ID = /^[\w.:-]{1,100}$/;

/** Sets the id of the command a request carries (the idempotency hook derives it from the key). */
export function setCommandId(request: object, commandId: string): void {
  (request as Record<symbol, string>)[COMMAND_ID] = commandId;
}

/**
 * The ids a write's events record: `correlationId` from the client's X-Correlation-Id (or a new one),
 * `causationId` the id of the command this request carries — stable across retries of an idempotent
 * request, so that a write whose answer was lost can be found again in the log.
 */
export function requestIds(request: { headers: Record<string, unknown> }): { correlationId: string; causationId: string } {
  const header = request.headers['x-correlation-id'];
  const holder = request as unknown as Record<symbol, string | undefined>;
  holder[COMMAND_ID] ??= `cmd-${randomUUID()}`;
  return { correlationId: typeof header === 'string' && ID.test(header) ? header : randomUUID(), causationId: holder[COMMAND_ID]! };
}
