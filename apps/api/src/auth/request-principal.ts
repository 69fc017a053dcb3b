import type { Principal, TokenStore } from '#auth';

export type Authentication = { principal: Principal | null } | { refused: 'malformed' | 'unknown' | 'revoked' | 'expired' };

const CACHE = Symbol('scoran:authentication');

/**
 * Resolves the bearer token of a request once, whoever asks first (the rate limiter and the
 * idempotency hooks run before Nest's guard); every later look-up sees the same answer, and a
 * revoked token is refused from the very next request since nothing outlives the request.
 */
export function authenticate(request: { headers?: Record<string, unknown> } & Record<symbol, unknown>, tokens: TokenStore): Authentication {
  const cached = request[CACHE] as Authentication | undefined;
  if (cached) return cached;
  const header = request.headers?.authorization;
  let result: Authentication;
  if (header === undefined) result = { principal: null };
  else {
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const found = match ? tokens.authenticate(match[1]!) : { refused: 'malformed' as const };
    result = 'refused' in found ? found : { principal: found };
  }
  request[CACHE] = result;
  return result;
}

/**
 * As `authenticate`, but a token this node does not know yet (issued on another node a moment ago)
 * is looked for once more in the access log before it is refused.
 */
export async function authenticateFresh(request: Parameters<typeof authenticate>[0], tokens: TokenStore): Promise<Authentication> {
  const first = authenticate(request, tokens);
  if (!('refused' in first) || first.refused !== 'unknown') return first;
  await tokens.catchUp();
  delete request[CACHE];
  return authenticate(request, tokens);
}
