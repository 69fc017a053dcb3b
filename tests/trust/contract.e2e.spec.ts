import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture } from '../support/roadmap-fixture.js';
import { buildIfNeeded, startBuiltServer, type BuiltServer } from '../support/built-server.js';
import type { RunningApp } from '../support/test-app.js';

const ADMIN = 'contract-admin-token-0123456789';
const SHEET = 'csirt-cyberreponse';
const REPORTS = `/api/sheets/${SHEET}/indicators/interventions/reports`;

/** Sends raw bytes on a fresh connection; resolves with what came back once the server closes it. */
function raw(baseUrl: string, bytes: string | Buffer, waitMs = 10_000): Promise<{ text: string; closedAfterMs: number; closedByServer: boolean }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let text = '';
    let closedByServer = true;
    const giveUp = setTimeout(() => { closedByServer = false; socket.destroy(); }, waitMs);
    socket.on('data', (d) => { text += d; });
    socket.on('error', () => undefined);
    socket.on('close', () => { clearTimeout(giveUp); resolve({ text, closedAfterMs: Date.now() - started, closedByServer }); });
    socket.write(bytes);
  });
}

const bodyOf = (answer: string) => JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
const statusOf = (answer: string) => Number(answer.split(' ')[1]);
/** The one error shape: these keys, nothing else. */
const isProblem = (b: any) => typeof b?.statusCode === 'number' && typeof b.error === 'string' && typeof b.message === 'string'
  && Object.keys(b).every((k) => ['statusCode', 'error', 'message', 'fields', 'details'].includes(k));

describe('the HTTP contract of the built server', () => {
  let server: BuiltServer;
  let dataDir: string;
  let pilot: string;

  beforeAll(async () => {
    buildIfNeeded();
    dataDir = mkdtempSync(join(tmpdir(), 'scoran-contract-'));
    server = await startBuiltServer({
      DATA_DIR: dataDir, SCORAN_ADMIN_TOKEN: ADMIN, SEED_ON_START: 'false', LOG_LEVEL: 'warn',
      REQUEST_TIMEOUT_MS: '1500', HEADERS_TIMEOUT_MS: '1000', KEEP_ALIVE_TIMEOUT_MS: '1000',
    }, { adminToken: ADMIN });
    await createFixture({ call: server.call } as RunningApp);
    pilot = (await server.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('slow clients', () => {
    it('answers 408 and closes a connection whose body never finishes (no token needed)', async () => {
      const r = await raw(server.baseUrl, 'POST /api/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
      expect(r.closedByServer).toBe(true);
      expect(r.closedAfterMs).toBeLessThan(5000);
      expect(statusOf(r.text)).toBe(408);
      expect(bodyOf(r.text)).toEqual({ statusCode: 408, error: 'request_timeout', message: expect.any(String) });
    });

    it('closes every one of many stalled connections, headers or body', async () => {
      const stalled = await Promise.all(Array.from({ length: 40 }, (_, i) => raw(server.baseUrl, i % 2
        ? 'GET /api/sheets HTTP/1.1\r\nHost: x\r\n'
        : `POST ${REPORTS} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`)));
      expect(stalled.every((r) => r.closedByServer && r.closedAfterMs < 5000)).toBe(true);
      expect(new Set(stalled.map((r) => statusOf(r.text)))).toEqual(new Set([408]));
    });
  });

  describe('methods and the framework\'s own refusals, in the one error shape', () => {
    it('answers 405 with Allow for a known path asked with another method', async () => {
      const put = await server.call('PUT', '/api/sheets');
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
      expect(put.body).toMatchObject({ statusCode: 405, error: 'method_not_allowed' });
      const del = await server.call('DELETE', `/api/sheets/${SHEET}/history`);
      expect(del.status).toBe(405);
      expect(del.headers.get('allow')).toBe('GET, HEAD');
      const patch = await server.call('PATCH', '/api/tokens/some-id');
      expect(patch.headers.get('allow')).toBe('DELETE');
    });

    it('answers an unknown route 404 without echoing it', async () => {
      const r = await server.call('GET', '/api/no-such-thing-here');
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ statusCode: 404, error: 'not_found', message: 'no route answers this path' });
    });

    it('refuses a bad percent-encoding (400) and a too-long segment (414) without echoing the URL', async () => {
      const bad = await server.call('GET', '/api/sheets/%zz');
      expect(bad.status).toBe(400);
      expect(isProblem(bad.body)).toBe(true);
      expect(bad.text).not.toContain('%zz');
      const long = 'a'.repeat(10_000);
      const tooLong = await server.call('GET', `/api/sheets/${long}`);
      expect(tooLong.status).toBe(414);
      expect(isProblem(tooLong.body)).toBe(true);
      expect(tooLong.text.length).toBeLessThan(300);
    });

    it('refuses a wrong Content-Length (400), a body too large (413), an unsupported type (415)', async () => {
      const wrong = await raw(server.baseUrl, 'POST /api/tokens HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
      expect(statusOf(wrong.text)).toBe(400);
      expect(bodyOf(wrong.text)).toMatchObject({ statusCode: 400, error: 'bad_content_length' });
      const big = await server.call('POST', REPORTS, { body: { value: 1, observedOn: '2024-01-01', comment: 'x'.repeat(2_000_000) } });
      expect(big.status).toBe(413);
      expect(isProblem(big.body)).toBe(true);
      const xml = await server.call('POST', REPORTS, { body: '<value>1</value>', headers: { 'content-type': 'application/xml' } });
      expect(xml.status).toBe(415);
      expect(isProblem(xml.body)).toBe(true);
    });
  });

  describe('input', () => {
    it('refuses invalid UTF-8 in a JSON body instead of storing U+FFFD', async () => {
      const body = Buffer.concat([Buffer.from('{"value":3,"observedOn":"2024-02-01","comment":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
      const r = await fetch(`${server.baseUrl}${REPORTS}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body });
      expect(r.status).toBe(400);
      expect(await r.json()).toEqual({ statusCode: 400, error: 'invalid_utf8', message: 'the body is not valid UTF-8' });
    });

    it('refuses dates outside 1900–2100, counts beyond safe integers and 1e308, naming the field', async () => {
      const early = await server.call('POST', REPORTS, { body: { value: 1, observedOn: '0000-01-01' } });
      expect(early.status).toBe(400);
      expect(early.body.fields).toEqual([{ field: 'observedOn', messages: ['observedOn must fall between 1900 and 2100'] }]);
      expect((await server.call('POST', REPORTS, { body: { value: 1, observedOn: '2101-01-01' } })).status).toBe(400);
      const huge = await server.call('POST', REPORTS, { body: { value: 1e308, observedOn: '2024-01-01' } });
      expect(huge.status).toBe(400);
      expect(huge.body.fields[0].field).toBe('value');
      const beyond = await server.call('POST', REPORTS, { body: '{"value":9007199254740993,"observedOn":"2024-01-01"}' });
      expect(beyond.status).toBe(400);
      expect(beyond.body.fields[0].messages[0]).toContain('9007199254740991');
      const fits = await server.call('POST', REPORTS, { body: { value: 12, observedOn: '2024-01-01' } });
      expect(fits.status).toBe(201);
    });

    it('flags a pilot token issued for an organisation neither a sheet nor the reference file knows', async () => {
      const unknown = await server.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'no-such-organisation' } });
      expect(unknown.status).toBe(201);
      expect(unknown.body).toMatchObject({ warning: 'unknown_organisation', organisationId: 'no-such-organisation' });
      const known = await server.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } });
      expect(known.body.warning).toBeUndefined();
    });

    it('refuses array and repeated query parameters', async () => {
      const array = await server.call('GET', '/api/sheets?version[]=V4', { token: null });
      expect(array.status).toBe(400);
      expect(array.body).toMatchObject({ error: 'invalid_query', details: { field: 'version[]' } });
      expect((await server.call('GET', '/api/sheets?version=V4&version=V5', { token: null })).status).toBe(400);
    });
  });

  describe('caching headers', () => {
    it('says no-store on every answer to a request with credentials, the new token\'s secret included', async () => {
      const created = await server.call('POST', '/api/tokens', { body: { role: 'auditor' } });
      expect(created.headers.get('cache-control')).toBe('no-store');
      expect((await server.call('GET', '/api/sheets')).headers.get('cache-control')).toBe('no-store');
      expect((await server.call('GET', `/api/sheets/${SHEET}/history`, { token: pilot })).headers.get('cache-control')).toBe('no-store');
      const refused = await server.call('GET', '/api/events', { token: pilot });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('cache-control')).toBe('no-store');
      expect(refused.headers.get('etag')).toBeNull();
    });

    it('validates public reads by the log position: 304 while unchanged, a new ETag after a write', async () => {
      const first = await server.call('GET', `/api/sheets/${SHEET}`, { token: null });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^W\/".+"$/);
      const again = await fetch(`${server.baseUrl}/api/sheets/${SHEET}`, { headers: { 'if-none-match': etag! } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
      expect(await again.text()).toBe('');
      expect((await server.call('POST', REPORTS, { body: { value: 13, observedOn: '2024-03-01' } })).status).toBe(201);
      let after = await fetch(`${server.baseUrl}/api/sheets/${SHEET}`, { headers: { 'if-none-match': etag! } });
      // The read models catch up with the write on their own thread.
      for (let i = 0; i < 50 && after.status === 304; i++) {
        await new Promise((r) => setTimeout(r, 50));
        after = await fetch(`${server.baseUrl}/api/sheets/${SHEET}`, { headers: { 'if-none-match': etag! } });
      }
      expect(after.status).toBe(200);
      expect(after.headers.get('etag')).not.toBe(etag);
      expect(JSON.stringify(await after.json())).toContain('13');
    });
  });

  describe('logs', () => {
    it('never write the values of a refused request\'s query string', async () => {
      const secret = 'sct_ThisIsASecretThatMustNotBeLogged0000';
      const r = await server.call('GET', `/api/events?token=${secret}&after=0`, { token: null });
      expect(r.status).toBe(401);
      const refusal = () => server.stdout().split('\n').find((l) => l.includes('access refused') && l.includes('/api/events?'));
      const deadline = Date.now() + 3000;
      while (!refusal() && Date.now() < deadline) await new Promise((res) => setTimeout(res, 50));
      const line = refusal();
      expect(line).toBeDefined();
      expect(JSON.parse(line!).url).toBe('/api/events?token=[redacted]&after=[redacted]');
      expect(server.stdout() + server.stderr()).not.toContain(secret);
    });
  });

  describe('the OpenAPI description', () => {
    let doc: any;
    beforeAll(async () => { doc = (await server.call('GET', '/api/docs-json', { token: null })).body; });

    it('declares, for every operation, its refusals with the error schema and its success media type', () => {
      const operations = Object.entries(doc.paths).flatMap(([path, item]: [string, any]) => Object.entries(item).map(([method, op]: [string, any]) => ({ path, method, op })));
      expect(operations.length).toBeGreaterThan(30);
      for (const { method, op, path } of operations) {
        expect(op.responses['400']?.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
        expect(op.responses['401']).toBeDefined();
        if (path.includes('{')) expect(op.responses['404']).toBeDefined();
        if (method === 'post') for (const s of ['408', '413', '415', '422', '429']) expect(op.responses[s]).toBeDefined();
        const success = Object.entries(op.responses).filter(([s]) => s.startsWith('2') && s !== '204');
        for (const [, response] of success as Array<[string, any]>) expect(Object.keys(response.content ?? {}).length).toBeGreaterThan(0);
      }
      expect(Object.keys(doc.paths['/api/export/sheets.csv'].get.responses['200'].content)).toEqual(['text/csv']);
      expect(Object.keys(doc.paths['/api/export/events.ndjson'].get.responses['200'].content)).toEqual(['application/x-ndjson']);
      expect(doc.paths['/api/tokens'].post.responses['403']).toBeDefined();
    });

    it('says the rules the server applies: bodies closed, lengths, dates, ids, the limit cap', () => {
      const report = doc.components.schemas.ReportIndicatorDto;
      expect(report.additionalProperties).toBe(false);
      // observedOn is required unless `observed` (a date as printed) is given: a condition, so only value is listed.
      expect(report.required).toEqual(['value']);
      expect(report.properties.observedOn).toMatchObject({ type: 'string', format: 'date' });
      expect(report.properties.value).toMatchObject({ maximum: Number.MAX_SAFE_INTEGER, minimum: -Number.MAX_SAFE_INTEGER });
      expect(doc.components.schemas.CreateSheetDto.properties.title).toMatchObject({ minLength: 1 });
      const series = doc.paths['/api/sheets/{sheetId}/indicators/{indicatorId}/series'].get.parameters;
      expect(series.find((p: any) => p.name === 'sheetId').schema).toMatchObject({ pattern: '^[a-z0-9]+(?:-[a-z0-9]+)*$' });
      const events = doc.paths['/api/events'].get.parameters;
      expect(events.find((p: any) => p.name === 'limit').schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000 });
      for (const item of Object.values(doc.paths) as any[]) for (const op of Object.values(item) as any[]) for (const p of op.parameters ?? []) expect(p.schema?.type).toBeDefined();
      expect(doc.paths[`/api/roadmaps/{roadmapId}/versions/{version}/assessment`].get.parameters.find((p: any) => p.name === 'version').schema.pattern).toBe('^V\\d{1,3}$');
    });
  });
});
