import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildIfNeeded, startBuiltServer, type BuiltServer } from '../support/built-server.js';
import type { RunningApp } from '../support/test-app.js';
import { createFixture, ROADMAP } from '../support/roadmap-fixture.js';

const ADMIN = 'worker-admin-token-0123456789';

/**
 * The built server runs its projections on a worker thread (the default on the embedded store).
 * The in-process servers do too; this suite checks the worker on the compiled server, under load.
 */
describe('projections on a worker thread (built server, default settings)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scoran-worker-'));
  let server: BuiltServer;
  const call: RunningApp['call'] = (...args) => server.call(...args);

  async function start(): Promise<void> {
    // PROJECTION_THREAD unset: the default, the worker.
    server = await startBuiltServer(
      { DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_ON_START: 'false', SCORAN_ADMIN_TOKEN: ADMIN, KAFKA_BROKERS: '', PROJECTION_THREAD: undefined },
      { adminToken: ADMIN },
    );
  }

  const stop = () => server.stop();

  beforeAll(async () => {
    buildIfNeeded();
    await start();
    await createFixture({ call } as RunningApp);
  }, 180_000);

  afterAll(async () => {
    if (server) await stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a write only once the read models show it, under concurrent writes', async () => {
    const writes = await Promise.all(Array.from({ length: 60 }, async (_, i) => {
      const w = await call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: i, observedOn: `2024-03-${String((i % 28) + 1).padStart(2, '0')}` } });
      // Read at once, on this thread's connection: the worker's transaction must already be visible.
      const sheet = await call('GET', '/api/sheets/csirt-cyberreponse');
      return { w, sheet };
    }));
    for (const { w, sheet } of writes) {
      expect(w.status).toBe(201);
      expect(sheet.status).toBe(200);
      expect(sheet.body.revision).toBeGreaterThanOrEqual(w.body.revision);
    }
    const series = await call('GET', '/api/sheets/csirt-cyberreponse/indicators/interventions/series');
    expect(series.status).toBe(200);
    expect((series.body.points ?? series.body.reports ?? series.body).length).toBe(60);
  });

  it('reports each projection at the head in /health', async () => {
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.projections.thread).toBe('worker');
    expect(health.body.projections.lag).toBe(0);
    expect(health.body.projections.error).toBeNull();
    expect(health.body.projections.statuses.map((s: { name: string }) => s.name).sort()).toEqual(['event-feed', 'roadmaps', 'sheets']);
    for (const s of health.body.projections.statuses) expect(s.position).toBe(health.body.store.head);
  });

  it('extends the audit hash chain on the same worker: every event is chained and verifies', async () => {
    const head = (await call('GET', '/health')).body.store.head as number;
    let report: any;
    const deadline = Date.now() + 5000;
    do {
      report = (await call('GET', '/api/audit/verify')).body;
      if (report.unchained === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    } while (Date.now() < deadline);
    expect(report).toMatchObject({ ok: true, checked: head, unchained: 0, logHead: head, problem: null });
  });

  it('stops cleanly on SIGTERM, and a restart resumes from the checkpoints without replaying', async () => {
    const before = (await call('GET', '/health')).body.store.head as number;
    // The worker writes the read models without fsync, under a marker naming this boot (see openReadModelWriter)…
    const marker = join(dataDir, 'read-models.sqlite.unsynced');
    expect(readFileSync(marker, 'utf8').trim()).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const { code, signal } = await stop();
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(server.stderr()).not.toMatch(/Error|failed/);
    // …and a clean stop syncs the file and removes the marker.
    expect(existsSync(marker)).toBe(false);
    await start();
    const health = await call('GET', '/health');
    expect(health.body.projections.checkpoint).toBe(before);
    const w = await call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: 99, observedOn: '2024-04-01' } });
    expect(w.status).toBe(201);
    const roadmap = await call('GET', `/api/roadmaps/${ROADMAP}`);
    expect(roadmap.status).toBe(200);
    const series = await call('GET', '/api/sheets/csirt-cyberreponse/indicators/interventions/series');
    expect((series.body.points ?? series.body.reports ?? series.body).length).toBe(61);
  });

  it('when a projection fails on the worker, answers writes 202 (stored, not visible) and /health 503, never a hang', async () => {
    // A read-model table disappears under the running server (a damaged or tampered file).
    const db = new Database(join(dataDir, 'read-models.sqlite'));
    db.exec('DROP TABLE indicator_reports');
    db.close();
    const t0 = Date.now();
    const w = await call('POST', '/api/sheets/csirt-cyberreponse/indicators/interventions/reports', { body: { value: 7, observedOn: '2024-05-01' } });
    expect(w.status).toBe(202);
    expect(w.body).toMatchObject({ visible: false, warning: 'read_models_behind' });
    expect(w.body.message).toMatch(/stored at position \d+.*indicator_reports/);
    expect(Date.now() - t0).toBeLessThan(4000); // the failure is reported at once, not after the wait's timeout
    // The write is in the log all the same.
    const log = await call('GET', `/api/events?after=${w.body.position - 1}&limit=1`);
    expect(log.body.events[0]).toMatchObject({ id: w.body.eventIds[0], position: w.body.position, type: 'IndicatorReported' });
    const health = await call('GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.error).toBe('projection_failed');
    expect(health.body.message).toMatch(/indicator_reports/);
  });
});
