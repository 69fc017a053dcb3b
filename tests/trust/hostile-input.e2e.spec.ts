import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ProblemFilter } from '../../apps/api/src/http/exception.filter.js';
import { createFixture } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const SHEET = '/api/sheets/csirt-cyberreponse';
const REPORTS = `${SHEET}/indicators/interventions/reports`;

describe('hostile input', () => {
  let app: RunningApp;
  const head = async () => (await app.call('GET', '/health', { token: null })).body.store.head as number;

  beforeAll(async () => {
    app = await startTestApp({ env: { BODY_LIMIT_BYTES: '8192' } });
    await createFixture(app);
  });
  afterAll(() => app.close(true));

  /** Every refusal is a 4xx in the one error shape, and nothing is written. */
  async function refused(attempt: Promise<{ status: number; body: any; text: string }>, statuses: number[] = [400]) {
    const before = await head();
    const r = await attempt;
    expect({ status: r.status, body: r.body }).toEqual({ status: statuses.includes(r.status) ? r.status : statuses, body: r.body });
    expect(typeof r.body.error).toBe('string');
    expect(typeof r.body.message).toBe('string');
    expect(r.text).not.toMatch(/\n\s+at /);
    expect(await head()).toBe(before);
    return r;
  }

  it('refuses bodies over BODY_LIMIT_BYTES with 413', async () => {
    const r = await refused(app.call('POST', REPORTS, { body: { value: 1, observedOn: '2024-01-01', comment: 'x'.repeat(9000) } }), [413]);
    expect(r.body.error).toBe('payload_too_large');
  });

  it('refuses unknown fields and wrong types, naming each field', async () => {
    const r = await refused(app.call('POST', REPORTS, { body: { value: '12', observedOn: 20240101, admin: true } }));
    expect(r.body.fields.map((f: any) => f.field).sort()).toEqual(['admin', 'observedOn', 'value']);
  });

  it('accepts finite numbers only', async () => {
    for (const raw of ['1e400', '-1e400', '"NaN"', '"Infinity"', 'null', 'true', '[1]', '{}']) {
      await refused(app.call('POST', REPORTS, { body: `{"value":${raw},"observedOn":"2024-01-01"}` }));
    }
    expect((await app.call('POST', `${SHEET}/indicators/coverage/reports`, { body: { value: 12.5e-3, observedOn: '2024-01-01' } })).status).toBe(201);
  });

  it('accepts real calendar dates only', async () => {
    for (const d of ['2023-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-1-1', '2023-01-01T00:00:00Z', '20230101', ' 2023-01-01', '2023-01-01\n']) {
      await refused(app.call('POST', REPORTS, { body: { value: 1, observedOn: d } }));
    }
    expect((await app.call('POST', REPORTS, { body: { value: 1, observedOn: '2024-02-29' } })).status).toBe(201);
    await refused(app.call('GET', `${SHEET}?asOf=2023-02-30`, { token: null }));
  });

  it('stores long and odd Unicode text exactly as sent', async () => {
    const odd = [
      '\u202Eevil.exe\u202C', 'مرحبا بالعالم', 'שלום', 'zero\u200Bwidth\u200D\uFEFF', '👩🏽‍💻🏳️‍🌈', 'e\u0301\u0301\u0301', 'NUL\u0000byte', 'tab\tnew\nline', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
    ].join(' | ');
    const r = await app.call('POST', REPORTS, { body: { value: 2, observedOn: '2024-03-01', comment: odd, source: 'é'.repeat(1000) } });
    expect(r.status).toBe(201);
    const history = (await app.call('GET', `${SHEET}/history`)).body.events;
    const stored = history.find((e: any) => e.id === r.body.eventIds[0]);
    expect(stored.data.comment).toBe(odd);
    expect(stored.data.source).toBe('é'.repeat(1000));
    await refused(app.call('POST', REPORTS, { body: { value: 1, observedOn: '2024-01-01', source: 'é'.repeat(1001) } }));
  });

  it('refuses lone surrogates in text and in keys', async () => {
    const r = await refused(app.call('POST', REPORTS, { body: '{"value":1,"observedOn":"2024-01-01","comment":"a\\ud800b"}' }));
    expect(r.body.error).toBe('invalid_unicode');
    await refused(app.call('POST', REPORTS, { body: '{"value":1,"observedOn":"2024-01-01","\\udfff":1}' }));
  });

  it('refuses prototype-pollution keys, and the process stays clean', async () => {
    const bodies = [
      '{"value":1,"observedOn":"2024-01-01","__proto__":{"polluted":1}}',
      '{"value":1,"observedOn":"2024-01-01","constructor":{"prototype":{"polluted":1}}}',
      '{"value":1,"observedOn":"2024-01-01","constructor":1}',
      '{"value":1,"observedOn":"2024-01-01","prototype":1}',
      '{"value":1,"observedOn":"2024-01-01","constructor":{"x":1}}',
    ];
    for (const body of bodies) await refused(app.call('POST', REPORTS, { body }));
    await refused(app.call('POST', `${SHEET}/indicators`, { body: '{"indicatorId":"x","name":"x","unit":"count","target":{"value":1,"by":"2030-01-01","__proto__":{"polluted":1}}}' }));
    await refused(app.call('POST', '/api/tokens', { body: '{"role":"auditor","__proto__":{"role":"admin"}}' }));
    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
  });

  it('answers wrong content types with 415 or 400, never 500', async () => {
    const cases: Array<[string, string]> = [
      ['application/xml', '<value>1</value>'], ['text/plain', '{"value":1,"observedOn":"2024-01-01"}'], ['application/x-www-form-urlencoded', 'value=1&observedOn=2024-01-01'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="value"\r\n\r\n1\r\n--x--'], ['application/octet-stream', '\u0000\u0001'], ['application/json; charset=latin1', '{"value":1}'],
      ['image/png', 'PNG'], ['application/json', '{"value":1,'], ['application/json', ''],
    ];
    for (const [contentType, body] of cases) await refused(app.call('POST', REPORTS, { body, headers: { 'content-type': contentType } }), [400, 415]);
  });

  it('refuses over-deep bodies and repeated query parameters with 400', async () => {
    const deep = '{"value":1,"observedOn":"2024-01-01","comment":' + '['.repeat(2000) + ']'.repeat(2000) + '}';
    expect((await refused(app.call('POST', REPORTS, { body: deep }))).body.error).toBe('body_too_deep');
    expect((await refused(app.call('GET', '/api/sheets?version=V4&version=V5', { token: null }))).body.error).toBe('repeated_query_parameter');
    await refused(app.call('GET', `${SHEET}/indicators/interventions/series?territory=37&territory=28`, { token: null }));
  });

  it('refuses odd ids in paths with a 4xx', async () => {
    for (const id of ['%00', '..%2F..%2Fetc%2Fpasswd', 'UPPER', 'a'.repeat(150), '%F0%9F%92%A9', '-', 'a--b%20']) {
      const r = await app.call('GET', `/api/sheets/${id}`, { token: null });
      expect([400, 404, 414]).toContain(r.status);
      expect(r.text).not.toMatch(/\n\s+at /);
    }
  });

  it('sets security headers and keeps CORS off by default', async () => {
    const r = await app.call('GET', SHEET, { token: null, headers: { origin: 'https://evil.example' } });
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
    expect(r.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(r.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(r.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(r.headers.get('referrer-policy')).toBe('no-referrer');
    expect(r.headers.get('x-powered-by')).toBeNull();
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await app.call('OPTIONS', REPORTS, { token: null, headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    // Error answers carry the headers too.
    expect((await app.call('GET', '/api/sheets/nope', { token: null })).headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('CORS when configured', () => {
  let app: RunningApp;
  beforeAll(async () => { app = await startTestApp({ env: { CORS_ORIGINS: 'https://dashboard.example' } }); });
  afterAll(() => app.close(true));

  it('allows the configured origins only', async () => {
    const ok = await app.call('GET', '/api/sheets', { token: null, headers: { origin: 'https://dashboard.example' } });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://dashboard.example');
    const evil = await app.call('GET', '/api/sheets', { token: null, headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('rate limiting of writes', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '5' } });
  });
  afterAll(() => app.close(true));

  it('answers 429 with Retry-After once a token has used its minute, per token and per IP', async () => {
    const statuses: number[] = [];
    // The admin's fixture would use the bucket up: tokens are created first, on separate tokens' buckets.
    for (let i = 0; i < 5; i++) statuses.push((await app.call('POST', '/api/tokens', { body: { role: 'auditor', label: `t${i}` } })).status);
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    const limited = await app.call('POST', '/api/tokens', { body: { role: 'auditor' } });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('too_many_requests');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect((await app.call('GET', '/api/tokens')).body).toHaveLength(5);
    // Reads are not limited.
    for (let i = 0; i < 10; i++) expect((await app.call('GET', '/api/tokens')).status).toBe(200);
    // Anonymous callers share a bucket per IP, apart from the admin's.
    const anonymous: number[] = [];
    for (let i = 0; i < 6; i++) anonymous.push((await app.call('POST', '/api/tokens', { token: null, body: { role: 'auditor' } })).status);
    expect(anonymous).toEqual([401, 401, 401, 401, 401, 429]);
  });
});

describe('RATE_LIMIT_PER_MINUTE=0', () => {
  it('turns rate limiting off', async () => {
    const app = await startTestApp({ env: { RATE_LIMIT_PER_MINUTE: '0' } });
    try {
      const statuses = await Promise.all(Array.from({ length: 30 }, (_, i) => app.call('POST', '/api/tokens', { body: { role: 'auditor', label: `t${i}` } })).map((p) => p.then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([201]));
    } finally {
      await app.close(true);
    }
  });
});

@Controller('boom')
class BoomController {
  @Get()
  boom(): never {
    throw new Error('secret detail\n    at internalFunction (/srv/app/secret.js:1:1)');
  }
}
@Module({ controllers: [BoomController], providers: [{ provide: APP_FILTER, useClass: ProblemFilter }] })
class BoomModule {}

describe('an unexpected failure', () => {
  it('answers 500 without the message or a stack trace', async () => {
    const boom = await NestFactory.create<NestFastifyApplication>(BoomModule, new FastifyAdapter(), { logger: false });
    await boom.listen({ port: 0, host: '127.0.0.1' });
    try {
      const address = boom.getHttpServer().address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${address.port}/boom`);
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(JSON.parse(text)).toEqual({ statusCode: 500, error: 'internal_error', message: 'the server could not answer; the failure was logged' });
      expect(text).not.toMatch(/secret|\bat\b/);
    } finally {
      await boom.close();
    }
  });
});
