import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner } from '#projections';
import { createFixture } from '../support/roadmap-fixture.js';
import type { RunningApp } from '../support/test-app.js';
import { serviceScript } from '../support/built-server.js';

const ROOT = process.cwd();
const MAIN = join(ROOT, serviceScript('start'));
const ADMIN = 'crash-test-admin-token-0123456789';
const SHEET = '/api/sheets/csirt-cyberreponse';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    }).on('error', reject);
  });
}

/** The built server as operators run it, as a child process whose output is kept. */
class ServerProcess {
  child!: ChildProcess;
  output = '';
  constructor(readonly dataDir: string, readonly port: number) {}

  async start(): Promise<void> {
    this.child = spawn(process.execPath, [MAIN], {
      env: { ...process.env, DATA_DIR: this.dataDir, PORT: String(this.port), HOST: '127.0.0.1', SCORAN_ADMIN_TOKEN: ADMIN, SEED_ON_START: 'false', LOG_LEVEL: 'debug', KAFKA_BROKERS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d) => { this.output += d; });
    this.child.stderr!.on('data', (d) => { this.output += d; });
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`server exited (${this.child.exitCode}):\n${this.output.slice(-3000)}`);
      try {
        if ((await fetch(`http://127.0.0.1:${this.port}/health`)).ok) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`server did not start:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill(signal);
    await exited;
  }

  async call(method: string, path: string, opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    const token = opts.token === undefined ? ADMIN : opts.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`http://127.0.0.1:${this.port}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let body: any = text;
    try { body = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers, text };
  }
}

/** Builds dist/ like `npm start` does; type errors elsewhere in the tree still emit JavaScript. */
function build(): string | null {
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.mjs')], { cwd: ROOT, stdio: 'pipe' });
  } catch (error) {
    if (!existsSync(MAIN)) return `the build produced no ${MAIN}: ${(error as { stdout?: Buffer }).stdout?.toString().slice(0, 500)}`;
    console.warn('crash-restart: the build reported type errors; running the JavaScript it emitted');
  }
  return existsSync(MAIN) ? null : `no ${MAIN}`;
}

const sortedRows = (db: import('better-sqlite3').Database, table: string) =>
  (db.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>).map((r) => JSON.stringify(r)).sort();

describe('the built server, killed under write load and restarted', () => {
  let dataDir: string;
  let server: ServerProcess;
  let pilot: string;
  let unavailable: string | null = null;

  beforeAll(async () => {
    unavailable = build();
    if (unavailable) { console.warn(`crash-restart skipped: ${unavailable}`); return; }
    dataDir = mkdtempSync(join(tmpdir(), 'scoran-crash-'));
    server = new ServerProcess(dataDir, await freePort());
    await server.start();
    await createFixture({ call: server.call.bind(server) } as unknown as RunningApp);
    pilot = (await server.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org' } })).body.token;
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('logs refusals with their reason and never a token or an Authorization header', async () => {
    if (unavailable) return;
    const bogus = 'sct_this-is-not-a-real-token-but-looks-like-one';
    expect((await server.call('GET', '/api/events', { token: bogus })).status).toBe(401);
    expect((await server.call('GET', '/api/events', { token: null })).status).toBe(401);
    expect((await server.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: { value: 1, observedOn: '2024-01-01' } })).status).toBe(201);
    expect((await server.call('GET', '/api/events', { token: pilot })).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    const refusals = server.output.split('\n').filter((l) => l.includes('access refused'));
    expect(refusals.some((l) => l.includes('token unknown'))).toBe(true);
    expect(refusals.some((l) => l.includes('no token'))).toBe(true);
    expect(refusals.some((l) => l.includes('role pilot not in admin,auditor'))).toBe(true);
    // Debug level: Fastify logs every request, which is where a header would leak.
    expect(server.output).toMatch(/"url":"\/api\/events"/);
    for (const secret of [ADMIN, pilot, bogus, pilot.slice(4), 'Bearer ']) expect(server.output).not.toContain(secret);
    expect(server.output.toLowerCase()).not.toContain('"authorization"');
  });

  it('stores every acknowledged write exactly once, and the read models equal a full rebuild', async () => {
    if (unavailable) return;
    const acknowledged = new Map<string, { eventId: string; key: string; text: string; body: unknown }>();
    const sent = new Set<string>();
    let stop = false;
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const tag = `load-${n++}`;
        const body = { value: n % 50, observedOn: '2024-02-01', comment: tag };
        sent.add(tag);
        try {
          const r = await server.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body, headers: { 'idempotency-key': tag } });
          if (r.status === 201) acknowledged.set(tag, { eventId: r.body.eventIds[0], key: tag, text: r.text, body });
        } catch { /* the connection died with the server */ }
      }
    };
    const workers = Array.from({ length: 12 }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    await server.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThan(20);

    await server.start();
    const history = (await server.call('GET', `${SHEET}/history`)).body.events as Array<{ id: string; data: { comment?: string } }>;
    const byTag = new Map<string, string[]>();
    for (const e of history) if (e.data.comment?.startsWith('load-')) byTag.set(e.data.comment, [...(byTag.get(e.data.comment) ?? []), e.id]);
    // Each request was sent once: nothing is stored twice, and every acknowledged one is there with its id.
    expect([...byTag.values()].filter((ids) => ids.length > 1)).toEqual([]);
    for (const [tag, ack] of acknowledged) expect({ tag, ids: byTag.get(tag) }).toEqual({ tag, ids: [ack.eventId] });
    expect(byTag.size).toBeGreaterThanOrEqual(acknowledged.size);
    expect(byTag.size).toBeLessThanOrEqual(sent.size);

    // A client retrying its acknowledged writes after the crash gets the same answers and writes nothing.
    const head = (await server.call('GET', '/health')).body.store.head;
    const sample = [...acknowledged.values()].slice(0, 30);
    for (const ack of sample) {
      const again = await server.call('POST', `${SHEET}/indicators/interventions/reports`, { token: pilot, body: ack.body, headers: { 'idempotency-key': ack.key } });
      expect(again.text).toBe(ack.text);
    }
    expect((await server.call('GET', '/health')).body.store.head).toBe(head);

    const series = (await server.call('GET', `${SHEET}/indicators/interventions/series`, { token: null })).body.points as Array<{ reportId: string }>;
    expect(new Set(series.map((p) => p.reportId)).size).toBe(series.length);
    expect(series.length).toBe(history.filter((e: any) => e.type === 'IndicatorReported').length);

    await server.stop('SIGTERM');
    const store = createEventStore({ eventStore: 'sqlite', dataDir });
    const live = openReadModelDb(join(dataDir, 'read-models.sqlite'));
    const freshPath = join(dataDir, 'rebuilt.sqlite');
    const fresh = openReadModelDb(freshPath);
    try {
      const projections = allProjections();
      const runner = new ProjectionRunner(fresh, projections);
      for (let from = 0; ;) {
        const batch = await store.readAll({ fromPosition: from, limit: 1000 });
        if (!batch.length) break;
        runner.applyBatch(batch);
        from = batch[batch.length - 1]!.position;
      }
      expect(runner.checkpoint).toBe(await store.headPosition());
      const liveCheckpoints = live.prepare('SELECT name, position FROM projection_checkpoints').all() as Array<{ name: string; position: number }>;
      for (const p of projections) {
        expect({ name: p.name, position: liveCheckpoints.find((c) => c.name === p.name)?.position }).toEqual({ name: p.name, position: runner.checkpoint });
        for (const table of p.tables) expect({ table, rows: sortedRows(live, table) }).toEqual({ table, rows: sortedRows(fresh, table) });
      }
    } finally {
      fresh.close();
      live.close();
      await store.close();
    }
  }, 120_000);
});
