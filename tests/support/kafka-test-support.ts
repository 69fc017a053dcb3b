import { afterAll, afterEach, describe } from '@jest/globals';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Kafka, logLevel, type IHeaders } from 'kafkajs';
import { pino } from 'pino';
import type { EventStore, StoredEvent } from '#event-store';
import { headerText, splitBrokers, type MessagingLogger } from '#messaging';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const kafkaBrokers = process.env.KAFKA_BROKERS?.trim() ?? '';

/** Errors only: retried broker errors are expected in these scenarios and counted through stats(). */
export const testLogger: MessagingLogger = pino({ level: process.env.LOG_LEVEL ?? 'error' });

export function uniqueTopic(label: string): string {
  return `scoran.test.${label}.${Date.now()}.${randomUUID().slice(0, 8)}`;
}

export function makeTempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'scoran-messaging-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Appends `count` events over `streams` streams, 1 to 3 events per append, several appends in flight. */
export async function appendEvents(store: EventStore, count: number, streams: number, seed = 1): Promise<void> {
  let state = seed;
  const random = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  let written = 0;
  while (written < count) {
    const appends: Promise<unknown>[] = [];
    const used = new Set<string>();
    for (let i = 0; i < 8 && written < count; i++) {
      const stream = `sheet-relay-test-${Math.floor(random() * streams)}`;
      // One append per stream at a time: `any` would accept concurrent ones, but the order inside a
      // stream must be the order of the appends for the checks below.
      if (used.has(stream)) continue;
      used.add(stream);
      const size = Math.min(count - written, 1 + Math.floor(random() * 3));
      written += size;
      appends.push(
        store.appendToStream(
          stream,
          Array.from({ length: size }, () => ({
            type: 'relay-test.counted',
            data: { note: 'x'.repeat(Math.floor(random() * 200)) },
            metadata: { actor: 'relay-test', correlationId: randomUUID(), causationId: null, source: 'tests/messaging' },
          })),
          { expectedRevision: 'any' },
        ),
      );
    }
    await Promise.all(appends);
  }
}

export interface TopicRecord {
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders | undefined;
  event: StoredEvent;
}

/** Reads every record of the topic up to its current end, through a throw-away consumer group. */
export async function readWholeTopic(brokers: string, topic: string, timeoutMs = 30_000): Promise<TopicRecord[]> {
  const kafka = new Kafka({ clientId: 'topic-reader', brokers: splitBrokers(brokers), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(partition, BigInt(high));
  } finally {
    await admin.disconnect();
  }
  const records: TopicRecord[] = [];
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  if (remaining.size === 0) return records;
  const consumer = kafka.consumer({ groupId: `reader-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`Reading ${topic} timed out with ${records.length} records`)), timeoutMs);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          if (BigInt(message.offset) >= ends.get(partition)!) return;
          records.push({
            partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            headers: message.headers,
            event: JSON.parse(message.value!.toString()) as StoredEvent,
          });
          if (BigInt(message.offset) === ends.get(partition)! - 1n) remaining.delete(partition);
          if (remaining.size === 0) {
            clearTimeout(timer);
            done();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export async function deleteTopics(brokers: string, topics: string[]): Promise<void> {
  const kafka = new Kafka({ clientId: 'topic-cleaner', brokers: splitBrokers(brokers), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const existing = new Set(await admin.listTopics());
    const doomed = topics.filter((topic) => existing.has(topic));
    if (doomed.length > 0) await admin.deleteTopics({ topics: doomed });
  } catch {
    // Leftover test topics only cost disk space in the test broker's data dir.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Checks at-least-once delivery in stream order: per stream, the first occurrences of its revisions
 * come as 0, 1, 2, … with none missing, and a repeated event is the very same envelope.
 * Returns the number of repeats.
 */
export function checkStreamOrder(events: StoredEvent[], expected: StoredEvent[]): { duplicates: number; duplicatePositions: number[] } {
  const expectedById = new Map(expected.map((event) => [event.id, event]));
  const nextRevision = new Map<string, number>();
  const seen = new Set<string>();
  const duplicatePositions: number[] = [];
  for (const event of events) {
    const original = expectedById.get(event.id);
    if (original === undefined) throw new Error(`Unknown event ${event.id} at position ${event.position}`);
    if (JSON.stringify(original) !== JSON.stringify(event)) throw new Error(`Event ${event.id} differs from the stored one`);
    if (seen.has(event.id)) {
      duplicatePositions.push(event.position);
      continue;
    }
    seen.add(event.id);
    const next = nextRevision.get(event.stream) ?? 0;
    if (event.revision !== next) {
      throw new Error(`Stream ${event.stream}: revision ${event.revision} arrived when ${next} was expected`);
    }
    nextRevision.set(event.stream, next + 1);
  }
  const missing = expected.filter((event) => !seen.has(event.id));
  if (missing.length > 0) throw new Error(`${missing.length} events never arrived, first at position ${missing[0]!.position}`);
  return { duplicates: duplicatePositions.length, duplicatePositions };
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function header(headers: IHeaders | undefined, name: string): string | undefined {
  return headerText(headers, name);
}

const run = promisify(execFile);

/**
 * The broker can be restarted by the tests only when it is the one infra/kafka/start.sh runs for
 * this checkout (same cache dir) at the address the tests were given.
 */
export function restartableBroker(): { cacheDir: string; port: string } | string {
  const cacheDir = process.env.KAFKA_CACHE_DIR ?? join(repoRoot, '.cache', 'kafka');
  const portFile = join(cacheDir, 'broker.port');
  if (!existsSync(portFile) || !existsSync(join(cacheDir, 'broker.pid'))) return `no broker started by infra/kafka/start.sh in ${cacheDir}`;
  const port = readFileSync(portFile, 'utf8').trim();
  if (kafkaBrokers !== `127.0.0.1:${port}`) return `KAFKA_BROKERS=${kafkaBrokers} is not the broker of ${cacheDir} (127.0.0.1:${port})`;
  return { cacheDir, port };
}

export async function stopBroker(cacheDir: string): Promise<void> {
  await run('bash', [join(repoRoot, 'infra/kafka/stop.sh')], { env: { ...process.env, KAFKA_CACHE_DIR: cacheDir } });
}

export async function startBroker(cacheDir: string, port: string): Promise<string> {
  const { stdout } = await run('bash', [join(repoRoot, 'infra/kafka/start.sh')], {
    env: { ...process.env, KAFKA_CACHE_DIR: cacheDir, KAFKA_PORT: port },
  });
  return stdout.trim().split('\n').at(-1)!;
}

/**
 * A describe block that runs against the broker in KAFKA_BROKERS, or skips with one visible line
 * saying how to get one.
 */
export function describeKafka(what: string, title: string, body: () => void): void {
  const reason = process.env.SCORAN_KAFKA_SKIP_REASON ?? 'KAFKA_BROKERS is not set (npm test starts a broker when a JDK and Maven are on PATH)';
  const skipTitle = `${what} — skipped: ${reason}`;
  if (kafkaBrokers === '') {
    console.warn(skipTitle);
    describe.skip(skipTitle, body);
  } else {
    describe(`${title} (${kafkaBrokers})`, body);
  }
}

/** Topics to delete after the suite, and clean-ups to run after each test (last registered first). */
export function kafkaTestResources(): { topics: string[]; cleanups: Array<() => Promise<void> | void> } {
  const topics: string[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(async () => {
    await deleteTopics(kafkaBrokers, topics);
  });
  return { topics, cleanups };
}
