import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Problem } from './problem.js';

/** A route's URL as a regular expression over the raw path: `:param` is one segment, `*` the rest. */
function pattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    .map((part) => (part === '*' ? '.*' : part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`);
}

/**
 * The methods of every route, as Fastify registers them, so that a known path asked with another
 * method answers 405 with `Allow` instead of 404, and an unknown path 404 in the API's error shape.
 */
export class RouteTable {
  private readonly routes = new Map<string, { test: RegExp; methods: Set<string> }>();

  add(url: string, methods: string | string[]): void {
    const entry = this.routes.get(url) ?? { test: pattern(url), methods: new Set<string>() };
    for (const method of [methods].flat()) entry.methods.add(method.toUpperCase());
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    this.routes.set(url, entry);
  }

  /** The methods some route accepts at this path (none: the path is unknown). */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const { test, methods: own } of this.routes.values()) if (test.test(path)) for (const m of own) methods.add(m);
    return [...methods].sort();
  }
}

/** Must run before the routes are registered (Fastify tells `onRoute` hooks only of later routes). */
export function collectRoutes(fastify: FastifyInstance, table: RouteTable): void {
  fastify.addHook('onRoute', (route) => table.add(route.url, route.method));
}

/** Answers requests no route matched, before the framework's not-found handler (and its echo of the URL). */
export function registerMethodNotAllowed(fastify: FastifyInstance, table: RouteTable): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.is404) return;
    const path = request.url.split('?')[0]!;
    const allowed = table.allowed(path);
    const problem: Problem = allowed.length
      ? { statusCode: 405, error: 'method_not_allowed', message: `this path accepts ${allowed.join(', ')}`, details: { allow: allowed } }
      : { statusCode: 404, error: 'not_found', message: 'no route answers this path' };
    if (allowed.length) reply.header('Allow', allowed.join(', '));
    return reply.code(problem.statusCode).type('application/json').send(problem);
  });
}
