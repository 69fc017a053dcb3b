import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type RunningApp } from '../support/test-app.js';
import { createFixture, ROADMAP, sheetBody } from '../support/roadmap-fixture.js';

const SHEET = '/api/sheets/csirt-cyberreponse';

describe('core API over real HTTP, on a real SQLite store', () => {
  let app: RunningApp;
  let pilotToken: string;
  let otherPilotToken: string;
  let auditorToken: string;

  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
    pilotToken = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
    otherPilotToken = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'other-org' } })).body.token;
    auditorToken = (await app.call('POST', '/api/tokens', { body: { role: 'auditor' } })).body.token;
  });
  afterAll(() => app.close(true));

  it('answers /health with the store head and projection lag', async () => {
    let r = await app.call('GET', '/health', { token: null });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.store.head).toBeGreaterThan(0);
    expect(Number.isInteger(r.body.projections.lag) && r.body.projections.lag >= 0).toBe(true);
    // Token events (the access stream) are answered without waiting for the read models, which skip
    // them: the lag they leave is reported, then closes.
    for (let i = 0; i < 100 && r.body.projections.lag > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      r = await app.call('GET', '/health', { token: null });
    }
    expect(r.body.projections.lag).toBe(0);
  });

  it('publishes the OpenAPI description', async () => {
    const r = await app.call('GET', '/api/docs-json', { token: null });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/sheets', '/api/sheets/{sheetId}/indicators/{indicatorId}/reports']));
  });

  it('a pilot reports a value and reads it back at once (read-your-writes)', async () => {
    const r = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilotToken, body: { value: 12, observedOn: '2024-03-31', territory: '37' } });
    expect(r.status).toBe(201);
    expect(r.body.eventIds).toHaveLength(1);
    expect(typeof r.body.position).toBe('number');
    const regional = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilotToken, body: { value: 15, observedOn: '2024-06-30' } });
    expect(regional.status).toBe(201);
    const sheet = await app.call('GET', SHEET, { token: null });
    expect(sheet.status).toBe(200);
    const ind = sheet.body.indicators.find((i: any) => i.indicatorId === 'interventions');
    expect(ind.latest).toMatchObject({ value: 15, observedOn: '2024-06-30' });
    expect(ind.reportCount).toBe(2);
    // Served with its scope, due date as given and qualifier (a target given by a day is due that day).
    expect(ind.targets).toEqual([{ value: 40, by: '2026-06-30', label: null, due: '2026-06-30', dueFr: 'le 30 juin 2026', horizon: null, territory: null, zone: null, qualifier: 'exact', valueFr: '40' }]);
    expect(sheet.body.revision).toBe(regional.body.revision);
    const series = await app.call('GET', `${SHEET}/indicators/interventions/series`, { token: null });
    expect(series.body.points.map((p: any) => [p.observedOn, p.value, p.territory])).toEqual([['2024-03-31', 12, '37'], ['2024-06-30', 15, null]]);
    const dept = await app.call('GET', `${SHEET}/indicators/interventions/series?territory=37`, { token: null });
    expect(dept.body.points).toHaveLength(1);
  });

  it('records the actor of every event and lists the history', async () => {
    const r = await app.call('GET', `${SHEET}/history`, { token: auditorToken });
    expect(r.status).toBe(200);
    const types = r.body.events.map((e: any) => e.type);
    expect(types[0]).toBe('SheetCreated');
    expect(types).toContain('IndicatorReported');
    const report = r.body.events.find((e: any) => e.type === 'IndicatorReported' && e.data.territory === null);
    expect(report.actor).toMatch(/^pilot:.+@pilot-org$/);
    expect(report.changes.some((c: any) => c.path === 'indicators.interventions.latest')).toBe(true);
  });

  it('rejects bad input with 400 naming each field, and writes nothing', async () => {
    const head = (await app.call('GET', '/health')).body.store.head;
    const r = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilotToken, body: { value: 'x', observedOn: '2023-02-30', extra: 1 } });
    expect(r.status).toBe(400);
    expect(r.body.fields.map((f: any) => f.field).sort()).toEqual(['extra', 'observedOn', 'value']);
    const malformed = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilotToken, body: '{"value": 1,' });
    expect(malformed.status).toBe(400);
    expect((await app.call('GET', '/health')).body.store.head).toBe(head);
  });

  it('answers 404 for unknown sheets, indicators and milestones', async () => {
    expect((await app.call('GET', '/api/sheets/no-such-sheet')).status).toBe(404);
    const ind = await app.call('POST', `${SHEET}/indicators/nope/reports`, { body: { value: 1, observedOn: '2024-01-01' } });
    expect(ind.status).toBe(404);
    expect(ind.body.error).toBe('indicator_not_found');
    const ms = await app.call('POST', `${SHEET}/milestones/nope/reached`, { body: { reachedOn: '2024-01-01' } });
    expect(ms.status).toBe(404);
    expect(ms.body.error).toBe('milestone_not_found');
  });

  it('answers 422 with the rule when a value does not fit the unit', async () => {
    const r = await app.call('POST', `${SHEET}/indicators/coverage/reports`, { token: pilotToken, body: { value: 140, observedOn: '2024-01-01' } });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe('value_does_not_fit_unit');
    expect(r.body.message).toMatch(/percentage between 0 and 100/);
  });

  it('a milestone is reached once (409 the second time)', async () => {
    expect((await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilotToken, body: { reachedOn: '2023-11-15', evidence: 'CR du comité' } })).status).toBe(201);
    const again = await app.call('POST', `${SHEET}/milestones/launch/reached`, { token: pilotToken, body: { reachedOn: '2023-11-16' } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('milestone_already_reached');
  });

  it('needs a token to write (401) and the right organisation for a pilot (403)', async () => {
    expect((await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: null, body: { value: 1, observedOn: '2024-01-01' } })).status).toBe(401);
    expect((await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: 'wrong-token', body: { value: 1, observedOn: '2024-01-01' } })).status).toBe(401);
    const other = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: otherPilotToken, body: { value: 1, observedOn: '2024-01-01' } });
    expect(other.status).toBe(403);
    expect((await app.call('POST', '/api/sheets', { token: pilotToken, body: sheetBody({ sheetId: 'x-y' }) })).status).toBe(403);
    expect((await app.call('POST', '/api/tokens', { token: auditorToken, body: { role: 'admin' } })).status).toBe(403);
  });

  it('refuses a second sheet with the same id (409) and a sheet in an unknown version (404)', async () => {
    expect((await app.call('POST', '/api/sheets', { body: sheetBody() })).status).toBe(409);
    const v = await app.call('POST', '/api/sheets', { body: sheetBody({ sheetId: 'other', version: 'V9' }) });
    expect(v.status).toBe(404);
    expect(v.body.error).toBe('version_not_found');
  });

  it('abandonment needs a known reason code, then the sheet accepts no write (422)', async () => {
    const created = await app.call('POST', '/api/sheets', { body: sheetBody({ sheetId: 'to-abandon', number: '4.14', title: 'À abandonner' }) });
    expect(created.status).toBe(201);
    expect((await app.call('POST', '/api/sheets/to-abandon/abandon', { body: { reason: 'bored', explanation: 'x', effectiveOn: '2024-01-01' } })).status).toBe(400);
    const ok = await app.call('POST', '/api/sheets/to-abandon/abandon', { token: pilotToken, body: { reason: 'insufficient_partners', explanation: 'Pas assez de partenaires', effectiveOn: '2024-02-01' } });
    expect(ok.status).toBe(201);
    const after = await app.call('POST', '/api/sheets/to-abandon/indicators/interventions/reports', { token: pilotToken, body: { value: 1, observedOn: '2024-03-01' } });
    expect(after.status).toBe(422);
    expect(after.body.error).toBe('sheet_closed');
    const list = await app.call('GET', `/api/sheets?version=V4&status=abandoned&roadmapId=${ROADMAP}`);
    expect(list.body.map((s: any) => s.sheetId)).toEqual(['to-abandon']);
  });

  it('lists sheets by version, enjeu and pilot', async () => {
    const all = await app.call('GET', '/api/sheets?version=V4');
    expect(all.body.map((s: any) => s.number)).toEqual(['4.13', '4.14']);
    expect((await app.call('GET', '/api/sheets?pilot=pilot-org')).body).toHaveLength(2);
    expect((await app.call('GET', '/api/sheets?enjeu=inclusion')).body).toHaveLength(0);
  });

  it('a revision changes only the fields sent', async () => {
    const r = await app.call('POST', `${SHEET}/revise`, { body: { title: 'CSIRT régional cyberRéponse', reason: 'nom officiel' } });
    expect(r.status).toBe(201);
    const sheet = (await app.call('GET', SHEET)).body;
    expect(sheet.title).toBe('CSIRT régional cyberRéponse');
    expect(sheet.objective).toBe('Sécuriser les collectivités');
    expect(sheet.pilots).toEqual(['pilot-org']);
    expect((await app.call('POST', `${SHEET}/revise`, { body: { title: 'CSIRT régional cyberRéponse' } })).status).toBe(400);
  });

  it('completes a sheet', async () => {
    await app.call('POST', '/api/sheets', { body: sheetBody({ sheetId: 'to-complete', number: '4.15', title: 'À achever' }) });
    const r = await app.call('POST', '/api/sheets/to-complete/complete', { body: { completedOn: '2024-12-31', summary: 'Fait' } });
    expect(r.status).toBe(201);
    expect((await app.call('GET', '/api/sheets/to-complete')).body.status).toBe('completed');
  });

  it('lists the global log for auditors, not for the public', async () => {
    expect((await app.call('GET', '/api/events', { token: null })).status).toBe(401);
    const r = await app.call('GET', '/api/events?after=0&limit=3', { token: auditorToken });
    expect(r.status).toBe(200);
    expect(r.body.events.map((e: any) => e.position)).toEqual([1, 2, 3]);
    expect(r.body.events[0].metadata).toMatchObject({ source: 'api', schemaVersion: 1 });
  });

  it('keeps every event and read model across a restart', async () => {
    const before = await app.call('GET', SHEET);
    const head = (await app.call('GET', '/health')).body.store.head;
    await app.close();
    app = await startTestApp({ dataDir: app.dataDir });
    const health = await app.call('GET', '/health');
    expect(health.body.store.head).toBe(head);
    const after = await app.call('GET', SHEET);
    expect(after.body).toEqual(before.body);
    const r = await app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilotToken, body: { value: 20, observedOn: '2024-09-30' } });
    expect(r.status).toBe(201);
    expect(r.body.position).toBe(head + 1);
  });
});
