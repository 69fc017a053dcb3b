import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningApp } from '../support/test-app.js';
import { createFixture, ROADMAP } from './roadmap-fixture.js';

const ADMIN = 'worker-admin-token-0123456789';
const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

/**
 * The built server runs its projections on a worker thread (the default on the embedded store).
 * In-process tests run from TypeScript sources, where the worker script does not exist, so they use
 * PROJECTION_THREAD=main; this suite checks the worker itself, on the compiled server.
 */
describe('projections on a worker thread (built server, default settings)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'scoran-worker-'));
  let child: ChildProcess;
  let stderr = '';
  let base = '';
  const call: RunningApp['call'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? ADMIN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${base}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: any = text;
    try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers, text };
  };

  async function start(): Promise<void> {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    stderr = '';
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SEED_ON_START: 'false', SCORAN_ADMIN_TOKEN: ADMIN, KAFKA_BROKERS: '' };
    delete env.PROJECTION_THREAD; // the default
    child = spawn(process.execPath, ['dist/apps/api/src/main.js'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (d) => { stderr += d; });
    const deadline = Date.now() + 60_000;
    for (;;) {
      try { if ((await fetch(`${base}/health`)).ok) return; } catch { /* not up yet */ }
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`server did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stop(): Promise<{ code: number | null; signal: string | null }> {
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
    child.kill('SIGTERM');
    return exited;
  }

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { stdio: 'inherit' });
    // The default (PROJECTION_THREAD unset) is the worker: the built worker script must be there.
    await start();
    await createFixture({ call } as RunningApp);
  }, 180_000);

  afterAll(async () => {
    if (child) await stop();
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
    const { code, signal } = await stop();
    expect(code === 0 || signal === 'SIGTERM').toBe(true);
    expect(stderr).not.toMatch(/Error|failed/);
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
