import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Deeper than any DTO of the API; a deeper body is an attack on recursive validators, not data. */
export const MAX_BODY_DEPTH = 32;
/**
 * Keys that name an object's machinery rather than data. The JSON parser already refuses `__proto__`
 * and `constructor.prototype`; a bare `constructor` or `prototype` slipped past the whitelist of the
 * validation pipe (they exist on every object), so they are refused here, at any depth.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function refuse(reply: FastifyReply, error: string, message: string, field?: string) {
  return reply.code(400).type('application/json').send({ statusCode: 400, error, message, ...(field ? { fields: [{ field, messages: [message] }] } : {}) });
}

/** Walks a parsed body without recursion: the first problem found, or null. */
export function inspectBody(body: unknown): { error: 'body_too_deep' | 'invalid_unicode' | 'forbidden_key'; path: string } | null {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: body, path: '', depth: 0 }];
  while (stack.length) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return { error: 'invalid_unicode', path };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_BODY_DEPTH) return { error: 'body_too_deep', path };
    for (const [key, child] of Object.entries(value)) {
      const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      if (LONE_SURROGATE.test(key)) return { error: 'invalid_unicode', path: childPath };
      if (FORBIDDEN_KEYS.has(key)) return { error: 'forbidden_key', path: childPath };
      stack.push({ value: child, path: childPath, depth: depth + 1 });
    }
  }
  return null;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * JSON bodies are decoded strictly: a byte sequence that is not UTF-8 is refused (400 invalid_utf8)
 * instead of being stored with U+FFFD in place of what the client meant. Replaces the framework's
 * parser; its checks (prototype poisoning, body limit) are kept.
 */
export function registerStrictJson(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      const error = Object.assign(new Error('the body is not valid UTF-8'), { statusCode: 400, code: 'SCORAN_INVALID_UTF8' });
      done(error, undefined);
      return;
    }
    parse(request, text, done);
  });
}

/**
 * Checks every request before it reaches a route: query parameters given once (a repeated one
 * would reach the queries as an array), bodies of bounded depth and of well-formed Unicode (a lone
 * surrogate cannot be stored as UTF-8 without silently changing it).
 */
export function registerInputGuards(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query === 'object') {
      for (const [name, value] of Object.entries(query)) {
        if (typeof value !== 'string') return refuse(reply, 'repeated_query_parameter', `query parameter ${name} must be given once`, name);
        if (LONE_SURROGATE.test(value) || LONE_SURROGATE.test(name)) return refuse(reply, 'invalid_unicode', `query parameter ${name} is not well-formed Unicode`, name);
      }
    }
    const problem = inspectBody(request.body);
    if (problem?.error === 'body_too_deep') return refuse(reply, 'body_too_deep', `the body nests deeper than ${MAX_BODY_DEPTH} levels`, problem.path || undefined);
    if (problem?.error === 'forbidden_key') return refuse(reply, 'forbidden_key', `${problem.path} is not an accepted field name`, problem.path);
    if (problem?.error === 'invalid_unicode') return refuse(reply, 'invalid_unicode', `${problem.path || 'the body'} holds a lone surrogate: text must be well-formed Unicode`, problem.path || undefined);
  });
}
