import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixture } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const SHEET = '/api/sheets/csirt-cyberreponse';
const REPORTS = `${SHEET}/indicators/interventions/reports`;

describe('Idempotency-Key on writes', () => {
  let app: RunningApp;
  let pilot: string;
  let key = 0;
  const newKey = () => `k-${Date.now()}-${++key}`;
  const head = async () => (await app.call('GET', '/health', { token: null })).body.store.head as number;
  const reportCount = async () => (await app.call('GET', `${REPORTS.replace('/reports', '/series')}`, { token: null })).body.points.length as number;

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    pilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
  });
  afterAll(() => app.close(true));

  it('a retry with the same key and body returns the first answer byte for byte and writes nothing', async () => {
    const k = newKey();
    const first = await app.call('POST', REPORTS, { token: pilot, body: { value: 7, observedOn: '2024-04-30' }, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(201);
    const h = await head();
    const n = await reportCount();
    // Same body, keys in another order: the same request.
    const again = await app.call('POST', REPORTS, { token: pilot, body: { observedOn: '2024-04-30', value: 7 }, headers: { 'idempotency-key': k } });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await head()).toBe(h);
    expect(await reportCount()).toBe(n);
  });

  it('the same key with another body, or on another route, answers 422 and writes nothing', async () => {
    const k = newKey();
    expect((await app.call('POST', REPORTS, { token: pilot, body: { value: 1, observedOn: '2024-05-01' }, headers: { 'idempotency-key': k } })).status).toBe(201);
    const h = await head();
    const other = await app.call('POST', REPORTS, { token: pilot, body: { value: 2, observedOn: '2024-05-01' }, headers: { 'idempotency-key': k } });
    expect(other.status).toBe(422);
    expect(other.body.error).toBe('idempotency_key_reused');
    const route = await app.call('POST', `${SHEET}/milestones/review/reached`, { token: pilot, body: { value: 1, observedOn: '2024-05-01' }, headers: { 'idempotency-key': k } });
    expect(route.status).toBe(422);
    expect(await head()).toBe(h);
  });

  it('keys are scoped by token: another caller with the same key is a new request', async () => {
    const k = newKey();
    const a = await app.call('POST', REPORTS, { token: pilot, body: { value: 3, observedOn: '2024-05-02' }, headers: { 'idempotency-key': k } });
    const b = await app.call('POST', REPORTS, { body: { value: 3, observedOn: '2024-05-02' }, headers: { 'idempotency-key': k } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.eventIds[0]).not.toBe(a.body.eventIds[0]);
  });

  it('error answers are replayed too: a 409 stays the answer of that key', async () => {
    const k1 = newKey();
    const k2 = newKey();
    const reached = await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilot, body: { reachedOn: '2023-11-15' }, headers: { 'idempotency-key': k1 } });
    expect(reached.status).toBe(201);
    const conflict = await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilot, body: { reachedOn: '2023-11-16' }, headers: { 'idempotency-key': k2 } });
    expect(conflict.status).toBe(409);
    const replay = await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilot, body: { reachedOn: '2023-11-16' }, headers: { 'idempotency-key': k2 } });
    expect(replay.status).toBe(409);
    expect(replay.text).toBe(conflict.text);
    // And the first key still gives the success it got, although the milestone is reached by now.
    const firstAgain = await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilot, body: { reachedOn: '2023-11-15' }, headers: { 'idempotency-key': k1 } });
    expect(firstAgain.status).toBe(201);
    expect(firstAgain.text).toBe(reached.text);
  });

  it('refusals about the caller (401, 403) are not kept: the key stays free', async () => {
    const k = newKey();
    const other = (await app.call('POST', '/api/tokens', { body: { role: 'auditor' } })).body;
    expect((await app.call('POST', REPORTS, { token: other.token, body: { value: 4, observedOn: '2024-05-03' }, headers: { 'idempotency-key': k } })).status).toBe(403);
    expect((await app.call('POST', REPORTS, { token: 'sct_not-a-token', body: { value: 4, observedOn: '2024-05-03' }, headers: { 'idempotency-key': k } })).status).toBe(401);
    expect((await app.call('POST', REPORTS, { token: pilot, body: { value: 4, observedOn: '2024-05-03' }, headers: { 'idempotency-key': k } })).status).toBe(201);
  });

  it('DELETE is idempotent by key as well', async () => {
    const t = (await app.call('POST', '/api/tokens', { body: { role: 'auditor' } })).body;
    const k = newKey();
    const first = await app.call('DELETE', `/api/tokens/${t.id}`, { headers: { 'idempotency-key': k } });
    expect(first.status).toBe(204);
    const again = await app.call('DELETE', `/api/tokens/${t.id}`, { headers: { 'idempotency-key': k } });
    expect(again.status).toBe(204);
    expect(again.text).toBe('');
  });

  it('refuses unusable keys with 400', async () => {
    const r = await app.call('POST', REPORTS, { token: pilot, body: { value: 1, observedOn: '2024-05-04' }, headers: { 'idempotency-key': 'x'.repeat(201) } });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_idempotency_key');
  });

  it('concurrent duplicates write once and all get the first answer', async () => {
    const k = newKey();
    const h = await head();
    const n = await reportCount();
    const answers = await Promise.all(Array.from({ length: 20 }, () => app.call('POST', REPORTS, { token: pilot, body: { value: 9, observedOn: '2024-06-01' }, headers: { 'idempotency-key': k } })));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([201]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(await head()).toBe(h + 1);
    expect(await reportCount()).toBe(n + 1);
  });

  it('keys survive a restart', async () => {
    const k = newKey();
    const first = await app.call('POST', REPORTS, { token: pilot, body: { value: 11, observedOn: '2024-07-01' }, headers: { 'idempotency-key': k } });
    expect(first.status).toBe(201);
    const dataDir = app.dataDir;
    await app.close();
    app = await startTestApp({ dataDir });
    const h = await head();
    const again = await app.call('POST', REPORTS, { token: pilot, body: { value: 11, observedOn: '2024-07-01' }, headers: { 'idempotency-key': k } });
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(await head()).toBe(h);
    const reused = await app.call('POST', REPORTS, { token: pilot, body: { value: 12, observedOn: '2024-07-01' }, headers: { 'idempotency-key': k } });
    expect(reused.status).toBe(422);
  });
});
