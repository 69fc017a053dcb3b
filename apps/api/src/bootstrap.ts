import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '#config';
import type { TrackerStart } from '#tracker';
import { AppModule } from './app.module.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerReadOnly } from './http/read-only.hooks.js';
import type { StartupHook } from './infrastructure/tracker.module.js';
import { createLogger, NestPinoLogger } from './http/logger.js';
import { registerDashboardAssets } from './dashboard/dashboard-assets.js';
import { instrumentHttp } from './metrics/http-metrics.hook.js';
import fastifyMultipart from '@fastify/multipart';
import { serverOptions } from './http/framework-errors.js';
import { buildApiDocument } from './http/openapi/api-document.js';

/**
 * Builds the HTTP application (used by main.ts and by the end-to-end tests); `started`, the tracker
 * of `config` begun ahead (see main.ts), or one is opened here.
 */
export async function createApp(config: AppConfig, hooks: StartupHook[] = [], started?: TrackerStart): Promise<NestFastifyApplication> {
  const logger = createLogger(config.logLevel);
  // Per-request lines only at debug/trace: at info they would double the cost of every report.
  const requestLogger = ['debug', 'trace'].includes(config.logLevel) ? logger : logger.child({}, { level: config.logLevel === 'silent' ? 'silent' : 'warn' });
  const adapter = new FastifyAdapter({ bodyLimit: config.bodyLimitBytes, loggerInstance: requestLogger, onProtoPoisoning: 'error', onConstructorPoisoning: 'error', ...serverOptions(config) });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, hooks, started), adapter, { logger: new NestPinoLogger(logger), bufferLogs: false });
  // Input guards, rate limit and idempotency are added by the module itself (HttpHooks).
  registerSecurityHeaders(app.getHttpAdapter().getInstance());
  if (config.role === 'query') registerReadOnly(app.getHttpAdapter().getInstance());
  // Uploaded files (a filled reporting template) are capped like any other body.
  await app.register(fastifyMultipart as never, { limits: { fileSize: config.bodyLimitBytes, files: 1, fields: 10, parts: 11 } });
  instrumentHttp(app);
  await registerDashboardAssets(app);
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins });
  app.enableShutdownHooks();
  // Built on the first request of /api/docs (then kept): walking every route's metadata costs the
  // start-up ~60 ms, for a page that no first answer needs.
  SwaggerModule.setup('api/docs', app, () => buildApiDocument(app), { jsonDocumentUrl: 'api/docs-json' });
  return app;
}
