import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { Kafka, logLevel } from 'kafkajs';
import type { StoredEvent } from '#event-store';
import { splitBrokers } from '#messaging';
import { checkStreamOrder, deleteTopics, kafkaBrokers, makeTempDir, readWholeTopic, repoRoot, uniqueTopic, waitUntil, describeKafka } from '../support/kafka-test-support.js';
import { serviceScript } from '../support/built-server.js';


const ADMIN_TOKEN = `admin-${randomUUID()}`;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
});

interface Service {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function launch(script: string, env: NodeJS.ProcessEnv): Service {
  let output = '';
  const child = spawn(process.execPath, [script], { cwd: repoRoot, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d) => { output += d; });
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The end offset of each partition: what the topic holds now. */
async function topicSize(topic: string): Promise<number> {
  const admin = new Kafka({ clientId: 'topic-size', brokers: splitBrokers(kafkaBrokers), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  } catch {
    return 0; // not created yet
  } finally {
    await admin.disconnect();
  }
}

/** Lowest projection checkpoint of a read-model file, 0 while the file or its tables do not exist yet. */
function readModelPosition(path: string): number {
  if (!existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT MIN(position) AS p FROM projection_checkpoints').get() as { p: number | null }).p ?? 0;
  } catch {
    return 0;
  } finally {
    db.close();
  }
}

function sheetSummary(path: string): unknown[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT * FROM sheet_summary ORDER BY sheetId').all();
  } finally {
    db.close();
  }
}

/** Reports of the indicator the test writes to, as the sheet's read-model document counts them. */
function reportCount(summary: unknown[]): number {
  const row = summary.find((r) => (r as { sheetId: string }).sheetId === 'feminisation-metiers-numerique') as { doc: string } | undefined;
  const doc = JSON.parse(row!.doc) as { indicators: Array<{ indicatorId: string; reportCount: number }> };
  return doc.indicators.find((i) => i.indicatorId === 'part-filles-candidatures')!.reportCount;
}

/**
 * `npm start` with KAFKA_BROKERS: the one process seeds the real roadmap and relays the whole log to
 * the topic; a projector fed only from that topic builds the same sheet read model.
 */
describeKafka('npm start with Kafka', 'npm start relays to Kafka', () => {
  const topic = uniqueTopic('start');
  const serverDir = makeTempDir();
  const projectorDir = makeTempDir();
  let base = '';
  let server: Service | undefined;
  let projector: Service | undefined;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };

  /** The whole log as the API serves it to auditors, page by page. */
  const storedEvents = async (): Promise<StoredEvent[]> => {
    const events: StoredEvent[] = [];
    for (let after = 0; ;) {
      const page = await call('GET', `/api/events?after=${after}&limit=1000`);
      expect(page.status).toBe(200);
      events.push(...(page.body.events as StoredEvent[]));
      if (page.body.next >= page.body.head || page.body.events.length === 0) return events;
      after = page.body.next;
    }
  };

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-if-needed.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = launch(serviceScript('start'), {
      DATA_DIR: serverDir.dir, PORT: String(port), HOST: '127.0.0.1', KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC: topic, SCORAN_ADMIN_TOKEN: ADMIN_TOKEN,
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      try { if ((await fetch(`${base}/health`)).ok) break; } catch { /* not up yet */ }
      if (Date.now() > deadline || server.child.exitCode !== null) throw new Error(`server did not start: ${server.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }, 240_000);

  afterAll(async () => {
    await projector?.stop();
    await server?.stop();
    await deleteTopics(kafkaBrokers, [topic]);
    serverDir.remove();
    projectorDir.remove();
  });

  it('puts every stored event of the seeded roadmap on the topic, in order per stream', async () => {
    const stored = await storedEvents();
    expect(stored.length).toBeGreaterThan(100);
    expect(stored.map((e) => e.position)).toEqual(stored.map((_, i) => i + 1));
    expect(stored.filter((e) => e.type === 'SheetCreated').length).toBeGreaterThanOrEqual(33);

    await waitUntil(async () => (await topicSize(topic)) >= stored.length, 60_000, `${stored.length} events on ${topic}`);
    const records = await readWholeTopic(kafkaBrokers, topic);
    const relayed = records.map((r) => r.event);
    // At-least-once: every stored event arrives, each stream in revision order, a resend only as an identical copy.
    checkStreamOrder(relayed, stored);
    expect(new Set(relayed.map((e) => e.id))).toEqual(new Set(stored.map((e) => e.id)));
    expect(records.every((r) => r.key === r.event.stream)).toBe(true);
    // The in-process relay reports its lag on /metrics; once everything is on the topic it is 0.
    const lagLine = new RegExp(`^scoran_relay_lag_events\\{topic="${topic.replace(/[.]/g, '\\.')}"\\} 0$`, 'm');
    await waitUntil(async () => lagLine.test(await (await fetch(`${base}/metrics`)).text()), 30_000, 'relay lag 0 on /metrics');
  }, 120_000);

  it('feeds a projector on another data dir that ends with the same sheet read model as the server', async () => {
    projector = launch(serviceScript('start:projector'), {
      DATA_DIR: projectorDir.dir, PROJECTOR_SOURCE: 'kafka', KAFKA_BROKERS: kafkaBrokers, KAFKA_TOPIC: topic, PROJECTOR_GROUP_ID: `${topic}.projector`,
    });
    const projected = join(projectorDir.dir, 'read-models.sqlite');
    const served = join(serverDir.dir, 'read-models.sqlite');

    let head = (await call('GET', '/api/events?limit=1')).body.head as number;
    await waitUntil(() => readModelPosition(projected) >= head || projector!.child.exitCode !== null, 60_000, `the projector to reach position ${head}`);
    expect(projector.child.exitCode).toBeNull();
    expect(sheetSummary(projected)).toEqual(sheetSummary(served));

    // A live write reaches the projector through the relay and the topic.
    const reportsBefore = reportCount(sheetSummary(projected));
    const report = await call('POST', '/api/sheets/feminisation-metiers-numerique/indicators/part-filles-candidatures/reports', { value: 42, observedOn: '2023-05-31', territory: '37' });
    expect(report.status).toBe(201);
    head = (await call('GET', '/api/events?limit=1')).body.head as number;
    await waitUntil(() => readModelPosition(projected) >= head, 30_000, `the projector to reach position ${head}`);
    const summary = sheetSummary(projected);
    expect(summary).toEqual(sheetSummary(served));
    expect(reportCount(summary)).toBe(reportsBefore + 1);
    expect(projector.output()).not.toMatch(/error|failed/i);
  }, 120_000);
});
