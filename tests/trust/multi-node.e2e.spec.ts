import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RoadmapCommands } from '#application';
import { isPrivateStream, SqliteEventStore, type StoredEvent } from '#event-store';
import { loadSeed, seedRoadmap } from '#seed';
import { commandIdOf } from '../../apps/api/src/idempotency/idempotency.hooks.js';
import { createFixture } from '../support/roadmap-fixture.js';
import { checkStreamOrder, deleteTopics, describeKafka, kafkaBrokers, readWholeTopic, uniqueTopic, waitUntil } from '../support/kafka-test-support.js';
import { buildIfNeeded, serviceScript, startBuiltServer, type BuiltServer } from '../support/built-server.js';
import type { RunningApp } from '../support/test-app.js';

const ADMIN = `multi-node-admin-${randomUUID()}`;
/**
 * Against a real EventStoreDB cluster instead of a shared SQLite file (see docs/operations.md): a
 * fresh cluster, since the suite writes fixed ids. The seeding case needs a second empty store and
 * runs on the embedded one only.
 */
const ESDB = process.env.MULTI_NODE_EVENTSTORE_CONNECTION_STRING?.trim() ?? '';
const SHEET = '/api/sheets/csirt-cyberreponse';
const REPORTS = `${SHEET}/indicators/interventions/reports`;

/** Polls until `check` holds; returns how long it took (ms). */
async function within(boundMs: number, what: string, check: () => Promise<boolean>, everyMs = 10): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (await check()) return Math.round(performance.now() - started);
    if (performance.now() - started > boundMs) throw new Error(`${what}: not within ${boundMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The whole log as a node's admin sees it through GET /api/events. */
async function logOf(node: BuiltServer): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = 0; ;) {
    const page = await node.call('GET', `/api/events?after=${after}&limit=1000`);
    if (page.status !== 200) throw new Error(`GET /api/events: ${page.status}`);
    events.push(...page.body.events);
    if (page.body.next === after) return events;
    after = page.body.next;
  }
}

const countByStream = (events: Array<{ stream: string }>) => {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.stream] = (counts[e.stream] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * Several built API processes sharing one embedded store (EVENT_STORE_PATH), or one EventStoreDB
 * cluster, each with its own DATA_DIR (read models, hash chain): tokens, revocations, idempotent
 * retries, seeding and acknowledged writes hold across them.
 */
describe('many nodes, one service', () => {
  const dirs: string[] = [];
  const nodes: BuiltServer[] = [];
  let shared: string;
  let a: BuiltServer;
  let b: BuiltServer;
  const figures: string[] = [];

  const tempDir = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `scoran-${label}-`));
    dirs.push(dir);
    return dir;
  };
  const start = async (storeDir: string, env: Record<string, string> = {}) => {
    const store = ESDB && storeDir === shared ? { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: ESDB } : { EVENT_STORE: 'sqlite', EVENT_STORE_PATH: join(storeDir, 'events.sqlite') };
    const node = await startBuiltServer({
      DATA_DIR: tempDir('node'), ...store, SCORAN_ADMIN_TOKEN: ADMIN,
      SEED_ON_START: 'false', LOG_LEVEL: 'warn', KAFKA_BROKERS: '', ...env,
    }, { adminToken: ADMIN });
    nodes.push(node);
    return node;
  };

  beforeAll(async () => {
    buildIfNeeded();
    shared = tempDir('shared-store');
    [a, b] = await Promise.all([start(shared), start(shared)]);
    await createFixture({ call: a.call } as unknown as RunningApp);
  }, 120_000);

  afterAll(async () => {
    for (const node of nodes) await node.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (figures.length) process.stderr.write(`multi-node figures:\n  ${figures.join('\n  ')}\n`);
  });

  it('a token made on A works on B at once; revoked on B, it is refused on A within 1 s', async () => {
    const made = await a.call('POST', '/api/tokens', { body: { role: 'pilot', organisationId: 'pilot-org', label: 'multi-node' } });
    expect(made.status).toBe(201);
    // No wait: B reads the access log again before refusing a token it does not know.
    const onB = await b.call('POST', REPORTS, { token: made.body.token, body: { value: 1, observedOn: '2024-01-31' } });
    expect(onB.status).toBe(201);
    expect((await b.call('GET', '/api/tokens')).body.map((t: { id: string }) => t.id)).toContain(made.body.id);

    expect((await b.call('DELETE', `/api/tokens/${made.body.id}`)).status).toBe(204);
    const delay = await within(1000, 'revocation seen on A', async () => (await a.call('GET', SHEET, { token: made.body.token })).status === 401);
    figures.push(`revocation on B refused on A after ${delay} ms`);
    expect(delay).toBeLessThan(1000);
    const refused = await a.call('POST', REPORTS, { token: made.body.token, body: { value: 2, observedOn: '2024-02-29' } });
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/revoked/);
  });

  it('the same Idempotency-Key sent to A then to B stores one event, and both answers match', async () => {
    const body = { value: 3, observedOn: '2024-03-31' };
    const key = `retry-${randomUUID()}`;
    const first = await a.call('POST', REPORTS, { body, headers: { 'idempotency-key': key } });
    const second = await b.call('POST', REPORTS, { body, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const other = await b.call('POST', REPORTS, { body: { ...body, value: 4 }, headers: { 'idempotency-key': key } });
    expect(other.status).toBe(422);
    expect((await a.call('POST', REPORTS, { body: { ...body, value: 4 }, headers: { 'idempotency-key': key } })).status).toBe(422);
    const commandId = commandIdOf('token:bootstrap-admin', key);
    expect((await logOf(b)).filter((e) => e.metadata.causationId === commandId)).toHaveLength(1);
  });

  it('retries of one key sent to both nodes at once store one event; every answer is the first one', async () => {
    const body = { value: 5, observedOn: '2024-04-30' };
    const key = `storm-${randomUUID()}`;
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? b : a).call('POST', REPORTS, { body, headers: { 'idempotency-key': key } })));
    expect(answers.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((r) => r.text)).size).toBe(1);
    const stored = (await logOf(a)).filter((e) => e.metadata.causationId === commandIdOf('token:bootstrap-admin', key));
    figures.push(`10 concurrent retries of one key over 2 nodes: ${stored.length} event stored (${stored.length - 1} duplicates)`);
    expect(stored).toHaveLength(1);
  });

  it('a write on A is visible on B', async () => {
    const reportsOnB = async (): Promise<number | null> => {
      const sheet = await b.call('GET', SHEET);
      return sheet.status === 200 ? sheet.body.indicators.find((i: { indicatorId: string }) => i.indicatorId === 'interventions').reportCount : null;
    };
    await within(5000, 'the sheet on B', async () => (await reportsOnB()) !== null);
    await within(5000, 'B caught up with A', async () => (await b.call('GET', '/health')).body.store.head === (await a.call('GET', '/health')).body.store.head);
    await new Promise((r) => setTimeout(r, 500));
    const before = (await reportsOnB())!;
    expect((await a.call('POST', REPORTS, { body: { value: 6, observedOn: '2024-05-31' } })).status).toBe(201);
    const delay = await within(5000, 'write on A visible on B', async () => (await reportsOnB()) === before + 1);
    figures.push(`write on A visible on B's read models after ${delay} ms`);
  });

  it('a query node (ROLE=query) serves the shared log read-only: writes are answered 405', async () => {
    const query = await start(shared, { ROLE: 'query' });
    const write = await query.call('POST', REPORTS, { body: { value: 7, observedOn: '2024-06-30' } });
    expect(write.status).toBe(405);
    expect((await query.call('POST', '/api/tokens', { body: { role: 'auditor' } })).status).toBe(405);
    const head = (await a.call('GET', '/health')).body.store.head;
    await within(5000, 'query node caught up', async () => (await query.call('GET', '/health')).body.store.head === head);
    expect((await query.call('GET', SHEET)).status).toBe(200);
    await query.stop();
  });

  (ESDB ? it.skip : it)('two nodes starting together on an empty store seed it once', async () => {
    const store = tempDir('seed-store');
    const [c, d] = await Promise.all([start(store, { SEED_ON_START: 'true' }), start(store, { SEED_ON_START: 'true' })]);
    const fromC = await logOf(c);
    const fromD = await logOf(d);
    const alone = new SqliteEventStore({ path: join(tempDir('seed-alone'), 'events.sqlite') });
    await seedRoadmap(new RoadmapCommands(alone), { seed: loadSeed() });
    const expected = countByStream(await alone.readAll());
    await alone.close();
    expect(countByStream(fromC)).toEqual(expected);
    expect(fromD.map((e) => e.id)).toEqual(fromC.map((e) => e.id));
    const created = fromC.filter((e) => e.type === 'RoadmapCreated').length;
    figures.push(`two nodes seeding one empty store: ${fromC.length} events (a seed alone: ${Object.values(expected).reduce((n, v) => n + v, 0)}), RoadmapCreated ×${created}`);
    expect(created).toBe(1);
    await Promise.all([c.stop(), d.stop()]);
  });

  it('a node killed with SIGKILL loses no acknowledged write and no token', async () => {
    const victim = await start(shared);
    const token = await victim.call('POST', '/api/tokens', { body: { role: 'auditor', label: 'before the kill' } });
    expect(token.status).toBe(201);
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const r = await victim.call('POST', REPORTS, { body: { value: 100 + i, observedOn: '2024-07-31', comment: `w${w}-${i}` } }).catch(() => null);
        if (r === null) return;
        if (r.status === 201) acknowledged.push(...r.body.eventIds);
      }
    });
    await within(10_000, 'writes acknowledged', async () => acknowledged.length >= 20, 20);
    victim.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    const stored = new Set((await logOf(b)).map((e) => e.id));
    const lost = acknowledged.filter((id) => !stored.has(id));
    figures.push(`SIGKILL during writes: ${acknowledged.length} acknowledged, ${lost.length} lost`);
    expect(lost).toEqual([]);
    expect((await b.call('GET', '/api/events?limit=1', { token: token.body.token })).status).toBe(200);
  });

  it('the public views of the log never carry the access log', async () => {
    const events = await logOf(a);
    expect(events.some((e) => isPrivateStream(e.stream))).toBe(false);
    expect(JSON.stringify(events)).not.toMatch(/"hash"/);
    for (const path of ['/api/history?limit=1000', '/api/export/events.ndjson']) {
      const view = await a.call('GET', path);
      expect(view.status).toBe(200);
      expect(view.text).toMatch(/IndicatorReported/);
      expect({ path, access: /Token(Issued|Revoked)|"hash"/.test(view.text) }).toEqual({ path, access: false });
    }
    // The hash chain covers the whole log, the access log included.
    await within(10_000, 'chain verified', async () => {
      const verify = await a.call('GET', '/api/audit/verify');
      return verify.body.ok === true && verify.body.unchained === 0;
    }, 100);
  });

  describeKafka('the relay on the shared store', 'the relay on the shared store', () => it('publishes the shared log to Kafka without the access log', async () => {
    const topic = uniqueTopic('multi-node');
    const relayDir = tempDir('relay');
    const child = spawn(process.execPath, [serviceScript('start:relay')], {
      env: { ...process.env, DATA_DIR: relayDir, ...(ESDB ? { EVENT_STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: ESDB } : { EVENT_STORE: 'sqlite', EVENT_STORE_PATH: join(shared, 'events.sqlite') }), KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC: topic, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (d) => { output += d; });
    try {
      const expected = await logOf(a);
      let records: Awaited<ReturnType<typeof readWholeTopic>> = [];
      await waitUntil(async () => {
        records = await readWholeTopic(kafkaBrokers, topic).catch(() => []);
        return new Set(records.map((r) => r.event.id)).size >= expected.length;
      }, 60_000, `the topic to hold ${expected.length} events (${output})`);
      expect(records.some((r) => isPrivateStream(r.event.stream))).toBe(false);
      figures.push(`relay on the shared store: ${records.length} records on the topic, none of the access log`);
      expect(checkStreamOrder(records.map((r) => r.event), expected).duplicates).toBe(0);
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      await deleteTopics(kafkaBrokers, [topic]);
    }
  }));
});
