import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixture, ROADMAP, sheetBody } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const SHEET = '/api/sheets/csirt-cyberreponse';
const REPORT = { value: 3, observedOn: '2024-02-29' };

describe('tokens and roles over real HTTP', () => {
  let app: RunningApp;
  let pilot: string;
  let otherPilot: string;
  let auditor: string;

  const token = async (body: Record<string, unknown>) => {
    const r = await app.call('POST', '/api/tokens', { body });
    expect(r.status).toBe(201);
    return r.body as { id: string; token: string };
  };
  const head = async () => (await app.call('GET', '/health', { token: null })).body.store.head as number;

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    pilot = (await token({ role: 'pilot', organisationId: 'pilot-org', label: 'pilot' })).token;
    otherPilot = (await token({ role: 'pilot', organisationId: 'other-org' })).token;
    auditor = (await token({ role: 'auditor' })).token;
  });
  afterAll(() => app.close(true));

  it('tokens are random, shown once, and listed without the secret or its hash', async () => {
    const a = await token({ role: 'auditor', label: 'a' });
    const b = await token({ role: 'auditor', label: 'b' });
    expect(a.token).toMatch(/^sct_[\w-]{43}$/);
    expect(a.token).not.toBe(b.token);
    const list = await app.call('GET', '/api/tokens');
    expect(list.status).toBe(200);
    expect(list.body.map((t: any) => t.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(list.text).not.toContain(a.token);
    expect(list.text).not.toContain(a.token.slice(4));
    for (const t of list.body) expect(Object.keys(t).sort()).toEqual(['createdAt', 'createdBy', 'expiresAt', 'id', 'label', 'organisationId', 'revokedAt', 'role']);
  });

  it('a revoked token is refused on the very next request', async () => {
    const t = await token({ role: 'pilot', organisationId: 'pilot-org' });
    expect((await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: t.token, body: REPORT })).status).toBe(201);
    expect((await app.call('DELETE', `/api/tokens/${t.id}`)).status).toBe(204);
    const after = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: t.token, body: REPORT });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/revoked/);
    // Even public reads refuse a revoked token rather than silently downgrading it.
    expect((await app.call('GET', SHEET, { token: t.token })).status).toBe(401);
    expect((await app.call('GET', '/api/tokens')).body.find((x: any) => x.id === t.id).revokedAt).not.toBeNull();
    expect((await app.call('DELETE', '/api/tokens/no-such-token')).status).toBe(404);
  });

  it('an expired token is refused', async () => {
    const t = await token({ role: 'auditor', expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await app.call('GET', '/api/events', { token: t.token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1700));
    const r = await app.call('GET', '/api/events', { token: t.token });
    expect(r.status).toBe(401);
    expect(r.body.message).toMatch(/expired/);
    expect((await app.call('POST', '/api/tokens', { body: { role: 'auditor', expiresAt: '2000-01-01T00:00:00Z' } })).status).toBe(422);
  });

  it('a pilot writes only on the sheets its organisation pilots', async () => {
    expect((await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: REPORT })).status).toBe(201);
    const before = await head();
    const other = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: otherPilot, body: REPORT });
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('not_a_pilot');
    expect((await app.call('POST', `${SHEET}/milestones/review/reached`, { token: otherPilot, body: { reachedOn: '2024-01-01' } })).status).toBe(403);
    expect(await head()).toBe(before);
  });

  it('a pilot cannot create sheets, tokens, roadmaps or versions, nor change targets', async () => {
    const before = await head();
    const attempts = [
      app.call('POST', '/api/sheets', { token: pilot, body: sheetBody({ sheetId: 'pilot-made', pilots: ['pilot-org'] }) }),
      app.call('POST', '/api/tokens', { token: pilot, body: { role: 'pilot', organisationId: 'pilot-org' } }),
      app.call('GET', '/api/tokens', { token: pilot }),
      app.call('DELETE', '/api/tokens/anything', { token: pilot }),
      app.call('POST', '/api/roadmaps', { token: pilot, body: { roadmapId: 'x', title: 'x', region: { code: '24', name: 'x' }, enjeux: [] } }),
      app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { token: pilot, body: { version: 'V5', basedOn: 'V4' } }),
      app.call('POST', `/api/roadmaps/${ROADMAP}/versions/V4/adopt`, { token: pilot, body: { adoptedOn: '2023-06' } }),
      app.call('POST', `${SHEET}/indicators/interventions/targets`, { token: pilot, body: { value: 1, by: '2030-01-01' } }),
      app.call('POST', `${SHEET}/revise`, { token: pilot, body: { title: 'hijacked' } }),
      app.call('POST', `${SHEET}/retire`, { token: pilot, body: { reason: 'merged', explanation: 'x' } }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status).toBe(403);
      expect(r.body.error).toBe('forbidden');
    }
    expect(await head()).toBe(before);
  });

  it('an auditor reads everything, history and the log included, and writes nothing', async () => {
    expect((await app.call('GET', `${SHEET}/history`, { token: auditor })).status).toBe(200);
    const events = await app.call('GET', '/api/events?limit=5', { token: auditor });
    expect(events.status).toBe(200);
    expect(events.body.events[0].metadata.actor).toBeDefined();
    const before = await head();
    const writes = [
      app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: auditor, body: REPORT }),
      app.call('POST', `${SHEET}/milestones/review/reached`, { token: auditor, body: { reachedOn: '2024-01-01' } }),
      app.call('POST', '/api/sheets', { token: auditor, body: sheetBody({ sheetId: 'auditor-made' }) }),
      app.call('POST', '/api/tokens', { token: auditor, body: { role: 'admin' } }),
      app.call('DELETE', '/api/tokens/anything', { token: auditor }),
      app.call('POST', `/api/roadmaps/${ROADMAP}/versions`, { token: auditor, body: { version: 'V5', basedOn: 'V4' } }),
    ];
    for (const r of await Promise.all(writes)) expect(r.status).toBe(403);
    expect(await head()).toBe(before);
  });

  it('history is for admins, auditors and the sheet\'s own pilots; anonymous readers get 401', async () => {
    expect((await app.call('GET', `${SHEET}/history`)).status).toBe(200);
    const own = await app.call('GET', `${SHEET}/history`, { token: pilot });
    expect(own.status).toBe(200);
    expect(own.body.events.length).toBeGreaterThan(0);
    const foreign = await app.call('GET', `${SHEET}/history`, { token: otherPilot });
    expect(foreign.status).toBe(403);
    expect(foreign.text).not.toContain('actor');
    expect((await app.call('GET', `${SHEET}/history`, { token: null })).status).toBe(401);
    expect((await app.call('GET', '/api/events', { token: null })).status).toBe(401);
    expect((await app.call('GET', '/api/events', { token: pilot })).status).toBe(403);
    expect((await app.call('GET', '/api/tokens', { token: null })).status).toBe(401);
  });

  it('malformed Authorization headers are refused with 401, not ignored', async () => {
    for (const header of ['Basic abc', 'Bearer', 'Bearer a b', 'token']) {
      const r = await app.call('GET', SHEET, { token: null, headers: { authorization: header } });
      expect(r.status).toBe(401);
    }
  });

  describe('anonymous readers see the published state only', () => {
    // Any GET route in the OpenAPI description, including routes added later, is checked here.
    const FORBIDDEN_IN_PUBLIC = [/"actor"/, /"createdBy"/, /"correlationId"/, /"causationId"/, /sct_[\w-]{20,}/, /"metadata"/, /pilot:[\w-]+@/, /bootstrap-admin/];
    const params: Record<string, string> = { sheetId: 'csirt-cyberreponse', indicatorId: 'interventions', milestoneId: 'launch', roadmapId: ROADMAP, version: 'V4', id: 'x', reportId: 'x' };

    it('no GET route leaks actors, tokens or log metadata to a caller without a token', async () => {
      await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: { ...REPORT, comment: 'public comment' } });
      const doc = (await app.call('GET', '/api/docs-json', { token: null })).body;
      const gets = Object.entries(doc.paths as Record<string, Record<string, any>>).filter(([, ops]) => ops.get).map(([p]) => p);
      expect(gets.length).toBeGreaterThanOrEqual(8);
      const checked: string[] = [];
      for (const template of gets) {
        const path = template.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? 'x');
        const r = await app.call('GET', path, { token: null });
        expect(r.status).toBeLessThan(500);
        if (r.status !== 200) {
          // Refused or not found: the body says why and nothing else.
          expect([401, 403, 404, 400]).toContain(r.status);
          expect(Object.keys(r.body).every((k) => ['statusCode', 'error', 'message', 'fields', 'details'].includes(k))).toBe(true);
          continue;
        }
        checked.push(template);
        for (const pattern of FORBIDDEN_IN_PUBLIC) expect({ path, leak: pattern.test(r.text) ? pattern.source : null }).toEqual({ path, leak: null });
      }
      expect(checked).toEqual(expect.arrayContaining(['/api/sheets', '/api/sheets/{sheetId}', '/api/sheets/{sheetId}/indicators/{indicatorId}/series', '/api/roadmaps']));
    });

    it('the sheet a reader sees carries no actor even after pilot writes', async () => {
      const sheet = await app.call('GET', SHEET, { token: null });
      expect(sheet.status).toBe(200);
      expect(sheet.body.indicators.find((i: any) => i.indicatorId === 'interventions').reportCount).toBeGreaterThan(0);
      expect(sheet.text).not.toMatch(/pilot:|actor|admin:/);
    });
  });
});
