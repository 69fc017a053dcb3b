import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { IndicatorSeriesReadModel } from '#projections';
import { registerRelayLagSource, reportRelayLag } from '../../apps/api/src/metrics/metrics-registry.js';
import { createFixture, ROADMAP, sheetBody } from '../support/roadmap-fixture.js';
import { startTestApp, type RunningApp } from '../support/test-app.js';

/** The value of one sample in a Prometheus exposition, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

describe('operations: /metrics and health probes', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startTestApp();
    await createFixture(app);
  });
  afterAll(async () => app?.close(true));

  it('exposes Prometheus text with request counters that move after a request', async () => {
    const before = await app.call('GET', '/metrics', { token: null });
    expect(before.status).toBe(200);
    expect(before.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const route = { method: 'GET', route: '/api/sheets/:sheetId', status: '200' };
    const n0 = sample(before.text, 'scoran_http_requests_total', route) ?? 0;
    for (let i = 0; i < 3; i++) expect((await app.call('GET', '/api/sheets/csirt-cyberreponse', { token: null })).status).toBe(200);
    expect((await app.call('GET', '/api/sheets/no-such-sheet', { token: null })).status).toBe(404);
    const after = (await app.call('GET', '/metrics', { token: null })).text;
    expect(sample(after, 'scoran_http_requests_total', route)).toBe(n0 + 3);
    expect(sample(after, 'scoran_http_requests_total', { ...route, status: '404' })).toBe(1);
    expect(sample(after, 'scoran_http_request_duration_seconds_count', { method: 'GET', route: '/api/sheets/:sheetId' })).toBeGreaterThanOrEqual(4);
  });

  it('counts appended events by type and shows the projection lag and checkpoints', async () => {
    const text0 = (await app.call('GET', '/metrics', { token: null })).text;
    const reported0 = sample(text0, 'scoran_events_appended_total', { type: 'IndicatorReported' }) ?? 0;
    expect(sample(text0, 'scoran_events_appended_total', { type: 'SheetCreated' })).toBe(1);
    const r = await app.call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: 12, observedOn: '2024-03-31' } });
    expect(r.status).toBe(201);
    const text = (await app.call('GET', '/metrics', { token: null })).text;
    expect(sample(text, 'scoran_events_appended_total', { type: 'IndicatorReported' })).toBe(reported0 + 1);
    const head = (await app.call('GET', '/health', { token: null })).body.store.head as number;
    expect(sample(text, 'scoran_event_store_head_position')).toBe(head);
    // The write waited for its read models, so nothing is left to project.
    expect(sample(text, 'scoran_projection_lag_events')).toBe(0);
    expect(sample(text, 'scoran_projection_checkpoint_position', { projection: 'sheets' })).toBe(head);
    expect(sample(text, 'scoran_projection_failed')).toBe(0);
  });

  it('shows each pilot organisation\'s reporting lag, as /reporting-lag answers it, and follows new reports', async () => {
    expect((await app.call('PUT', '/api/sheets/csirt-cyberreponse/indicators/interventions/frequency', { body: { frequency: 'quarterly' } })).status).toBe(201);
    expect((await app.call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: 14, observedOn: '2024-06-30', territory: '45' } })).status).toBe(201);
    const check = async () => {
      const lag = (await app.call('GET', '/api/organisations/pilot-org/reporting-lag', { token: null })).body;
      const text = (await app.call('GET', '/metrics', { token: null })).text;
      expect(lag.overall.reports).toBeGreaterThan(0);
      expect(sample(text, 'scoran_reporting_lag_days', { organisation: 'pilot-org', quantile: '0.5' })).toBe(lag.overall.medianDays);
      expect(sample(text, 'scoran_reporting_lag_days', { organisation: 'pilot-org', quantile: '0.9' })).toBe(lag.overall.p90Days);
      expect(sample(text, 'scoran_reports_on_time_ratio', { organisation: 'pilot-org' })).toBe(lag.overall.onTimeShare);
      const sheet = lag.sheets.find((x: { sheetId: string }) => x.sheetId === 'csirt-cyberreponse');
      expect(sample(text, 'scoran_sheet_reporting_lag_days', { organisation: 'pilot-org', sheet: 'csirt-cyberreponse', quantile: '0.5' })).toBe(sheet.medianDays);
      expect(sample(text, 'scoran_sheet_reports_on_time_ratio', { organisation: 'pilot-org', sheet: 'csirt-cyberreponse' })).toBe(sheet.onTimeShare);
      return lag.overall;
    };
    const first = await check();
    // A report recorded the day it was observed: the median moves and the next scrape shows it.
    const today = new Date().toISOString().slice(0, 10);
    expect((await app.call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: 15, observedOn: today, territory: '18' } })).status).toBe(201);
    const second = await check();
    expect(second.reports).toBe(first.reports + 1);
    expect(second.onTimeShare).toBeGreaterThan(first.onTimeShare);
  });

  it('recomputes the reporting lag only of the sheets written since the last scrape, and follows a frequency changed without a report', async () => {
    expect((await app.call('POST', '/api/sheets', { body: sheetBody({ sheetId: 'second-sheet', number: '4.14', title: 'Deuxième fiche', pilots: ['pilot-org', 'other-org'] }) })).status).toBe(201);
    expect((await app.call('POST', '/api/sheets/second-sheet/indicators/interventions/reports', { body: { value: 3, observedOn: '2024-01-31' } })).status).toBe(201);
    const series = app.app.get(IndicatorSeriesReadModel);
    const read: string[] = [];
    const reportTimes = series.reportTimes.bind(series);
    const spy = jest.spyOn(series, 'reportTimes').mockImplementation((sheetId, indicatorId) => {
      read.push(sheetId);
      return reportTimes(sheetId, indicatorId);
    });
    try {
      const scrape = async () => (await app.call('GET', '/metrics', { token: null })).text;
      const agrees = async (organisation: string, text: string) => {
        const lag = (await app.call('GET', `/api/organisations/${organisation}/reporting-lag`, { token: null })).body;
        expect(sample(text, 'scoran_reporting_lag_days', { organisation, quantile: '0.5' })).toBe(lag.overall.medianDays ?? undefined);
        expect(sample(text, 'scoran_reports_on_time_ratio', { organisation })).toBe(lag.overall.onTimeShare ?? undefined);
        for (const sheet of lag.sheets) {
          expect(sample(text, 'scoran_sheet_reporting_lag_days', { organisation, sheet: sheet.sheetId, quantile: '0.9' })).toBe(sheet.p90Days ?? undefined);
          expect(sample(text, 'scoran_sheet_reports_on_time_ratio', { organisation, sheet: sheet.sheetId })).toBe(sheet.onTimeShare ?? undefined);
        }
        return lag;
      };
      let text = await scrape();
      expect(read).toContain('second-sheet');
      await agrees('pilot-org', text);
      await agrees('other-org', text);
      // Nothing written: the figures of the last scrape, nothing read again.
      read.length = 0;
      await scrape();
      expect(read).toEqual([]);
      // One sheet written: only its reports are read again.
      expect((await app.call('POST', '/api/sheets/second-sheet/indicators/interventions/reports', { body: { value: 4, observedOn: '2024-04-30', territory: '45' } })).status).toBe(201);
      text = await scrape();
      expect(new Set(read)).toEqual(new Set(['second-sheet']));
      const before = await agrees('other-org', text);
      expect(before.overall.reports).toBe(2);
      expect(before.overall.onTimeShare).toBeNull();
      // A frequency set moves the share on time with no new report: the sheet's revision moved, so it is read again.
      read.length = 0;
      expect((await app.call('PUT', '/api/sheets/second-sheet/indicators/interventions/frequency', { body: { frequency: 'monthly' } })).status).toBe(201);
      text = await scrape();
      expect(new Set(read)).toEqual(new Set(['second-sheet']));
      const after = await agrees('other-org', text);
      expect(after.overall.reportsWithFrequency).toBe(2);
      expect(after.overall.onTimeShare).not.toBeNull();
      await agrees('pilot-org', text);
    } finally {
      spy.mockRestore();
    }
  });

  it('shows the relay lag that the Kafka relay reports through reportRelayLag', async () => {
    reportRelayLag({ topic: 'scoran.test-metrics', head: 120, checkpoint: 95 });
    const text = (await app.call('GET', '/metrics', { token: null })).text;
    expect(sample(text, 'scoran_relay_lag_events', { topic: 'scoran.test-metrics' })).toBe(25);
    expect(sample(text, 'scoran_relay_checkpoint_position', { topic: 'scoran.test-metrics' })).toBe(95);
  });

  it('reads a registered relay at scrape time, and forgets it once unregistered', async () => {
    let lag = 7;
    const unregister = registerRelayLagSource({ topic: 'scoran.test-pull', lag: async () => lag, checkpoint: 42 });
    expect(sample((await app.call('GET', '/metrics', { token: null })).text, 'scoran_relay_lag_events', { topic: 'scoran.test-pull' })).toBe(7);
    lag = 0;
    const text = (await app.call('GET', '/metrics', { token: null })).text;
    expect(sample(text, 'scoran_relay_lag_events', { topic: 'scoran.test-pull' })).toBe(0);
    expect(sample(text, 'scoran_relay_checkpoint_position', { topic: 'scoran.test-pull' })).toBe(42);
    unregister();
    expect(sample((await app.call('GET', '/metrics', { token: null })).text, 'scoran_relay_lag_events', { topic: 'scoran.test-pull' })).toBeUndefined();
  });

  it('answers liveness and readiness (store and projections), and keeps GET /health', async () => {
    const live = await app.call('GET', '/health/live', { token: null });
    expect(live.status).toBe(200);
    expect(live.body.status).toBe('ok');
    const ready = await app.call('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(ready.body.info.eventStore).toMatchObject({ status: 'up', name: 'sqlite' });
    expect(ready.body.info.projections).toMatchObject({ status: 'up', lag: 0 });
    expect(ready.body.info.kafka).toBeUndefined();
    const legacy = await app.call('GET', '/health', { token: null });
    expect(legacy.status).toBe(200);
    expect(legacy.body.projections.lag).toBe(0);
    const roadmap = await app.call('GET', `/api/roadmaps/${ROADMAP}`, { token: null });
    expect(roadmap.status).toBe(200);
  });
});

describe('readiness with Kafka configured but unreachable', () => {
  let app: RunningApp;
  beforeAll(async () => {
    // Port 1 on loopback: nothing listens there, so the admin client is refused at once.
    app = await startTestApp({ env: { KAFKA_BROKERS: '127.0.0.1:1' } });
  });
  afterAll(async () => app?.close(true));

  it('reports not ready (503) with kafka down, while liveness stays 200', async () => {
    const ready = await app.call('GET', '/health/ready', { token: null });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ statusCode: 503, error: 'not_ready' });
    expect(ready.body.message).toContain('kafka');
    expect(ready.body.details.error.kafka.status).toBe('down');
    expect(ready.body.details.info.eventStore.status).toBe('up');
    expect((await app.call('GET', '/health/live', { token: null })).status).toBe(200);
  });
});
