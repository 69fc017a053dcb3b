import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TrackerMetrics } from './tracker-metrics.service.js';

/**
 * Times every answered request by its route pattern (`/api/sheets/:sheetId`, not the concrete
 * URL), so that label cardinality stays bounded; unknown paths share one label.
 */
export function instrumentHttp(app: NestFastifyApplication): void {
  const metrics = app.get(TrackerMetrics);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    if (route !== '/metrics') metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
}
