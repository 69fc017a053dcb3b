import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFixture } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

const SHEET = '/api/sheets/csirt-cyberreponse';

describe('concurrent commands on one sheet', () => {
  let app: RunningApp;
  let pilot: string;

  beforeAll(async () => {
    // The default rate limit: a pilot's burst of a few hundred reports must go through untouched.
    app = await startTestApp();
    await createFixture(app);
    pilot = (await app.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
  });
  afterAll(() => app.close(true));

  it('200 simultaneous reports all succeed and are each stored once', async () => {
    const before = (await app.call('GET', `${SHEET}/history`)).body.events.length as number;
    const N = 200;
    const answers = await Promise.all(Array.from({ length: N }, (_, i) =>
      app.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: { value: i, observedOn: '2024-01-01', comment: `burst ${i}` } })));
    expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body])).toEqual([]);
    const eventIds = answers.map((a) => a.body.eventIds[0] as string);
    expect(new Set(eventIds).size).toBe(N);
    const revisions = answers.map((a) => a.body.revision as number);
    expect(new Set(revisions).size).toBe(N);

    const history = (await app.call('GET', `${SHEET}/history`)).body.events as Array<{ id: string; type: string; data: any; revision: number }>;
    expect(history.length).toBe(before + N);
    const reported = history.filter((e) => e.type === 'IndicatorReported' && String(e.data.comment).startsWith('burst '));
    expect(reported.map((e) => e.data.value).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(reported.map((e) => e.id).sort()).toEqual([...eventIds].sort());
    // Revisions in the stream have no gap and no repeat.
    expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));

    const series = (await app.call('GET', `${SHEET}/indicators/interventions/series`, { token: null })).body.points as Array<{ value: number; reportId: string }>;
    expect(series.length).toBe(N);
    expect(new Set(series.map((p) => p.reportId)).size).toBe(N);
    const sheet = (await app.call('GET', SHEET, { token: null })).body;
    expect(sheet.indicators.find((i: any) => i.indicatorId === 'interventions').reportCount).toBe(N);
    expect(sheet.revision).toBe(before + N - 1);
  });
});
