import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { loadConfig } from '#config';
import { AppModule } from '../../apps/api/src/app.module.js';
import { ADMIN_TOKEN, httpCaller, type RunningApp } from '../support/test-app.js';

/**
 * The application as a Nest testing module builds it, without bootstrap.ts: the request hooks
 * (input guards, rate limit, idempotency), the validation of bodies and query strings and the path
 * id pipe all come with the module.
 */
describe('AppModule in a Nest testing module', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scoran-testing-module-'));
  let app: NestFastifyApplication;
  let call: RunningApp['call'];

  beforeAll(async () => {
    const config = loadConfig({ DATA_DIR: dataDir, SCORAN_ADMIN_TOKEN: ADMIN_TOKEN, LOG_LEVEL: 'silent', SEED_ON_START: 'false', PROJECTION_THREAD: 'main', RATE_LIMIT_PER_MINUTE: '2' });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    call = httpCaller(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, ADMIN_TOKEN);
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a repeated query parameter (input guard)', async () => {
    const r = await call('GET', '/api/sheets?version=V4&version=V5');
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'repeated_query_parameter', fields: [{ field: 'version' }] });
  });

  it('refuses a malformed Idempotency-Key (idempotency hooks)', async () => {
    const r = await call('POST', '/api/roadmaps', { body: {}, headers: { 'idempotency-key': 'é' } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_idempotency_key');
  });

  it('names the query parameter a query DTO refuses, with the code of its rule', async () => {
    const bad = await call('GET', '/api/sheets/some-sheet?asOf=2023-02-29');
    expect(bad.body).toEqual({ statusCode: 400, error: 'invalid_date', message: 'asOf must be a real calendar date (YYYY-MM-DD)', details: { field: 'asOf' } });
    const limit = await call('GET', '/api/events?limit=1e3');
    expect(limit.body).toEqual({ statusCode: 400, error: 'invalid_query', message: 'limit must be a whole number between 1 and 1000', details: { field: 'limit' } });
    const unknown = await call('GET', '/api/sheets?colour=blue');
    expect(unknown.body).toEqual({ statusCode: 400, error: 'invalid_query', message: 'unknown query parameter colour', details: { field: 'colour' } });
    const page = await call('GET', '/api/events?after=0&limit=5');
    expect(page.status).toBe(200);
    expect(page.body).toMatchObject({ events: [], next: 0 });
  });

  it('refuses a path id that is not a slug, naming the parameter', async () => {
    const r = await call('GET', '/api/sheets/some-sheet/indicators/Not_A_Slug/series');
    expect(r.body).toEqual({ statusCode: 400, error: 'invalid_id', message: 'indicatorId must be a kebab-case id', details: { field: 'indicatorId' } });
  });

  it('limits writes per token (rate-limit hook): two a minute here', async () => {
    // The idempotency case above spent one of the two writes of this minute.
    const first = await call('POST', '/api/roadmaps', { body: {} });
    expect(first.body.error).toBe('validation_failed');
    const refused = await call('POST', '/api/roadmaps', { body: {} });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
