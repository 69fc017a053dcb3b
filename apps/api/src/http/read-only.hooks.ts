import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * ROLE=query: this node serves reads from its read models and never writes to the shared log; a
 * write is answered 405 before anything else looks at it (the writers are other nodes).
 */
export function registerReadOnly(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!WRITES.has(request.method)) return;
    return reply.code(405).header('allow', 'GET, HEAD').type('application/json')
      .send({ statusCode: 405, error: 'method_not_allowed', message: 'this node answers reads only (ROLE=query): send writes to a writer node' });
  });
}
