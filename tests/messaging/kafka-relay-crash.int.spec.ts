import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';
import { SqliteEventStore } from '#event-store';
import { KafkaRelay, SqliteCheckpointStore } from '#messaging';
import {
  appendEvents,
  checkStreamOrder,
  deleteTopics,
  kafkaBrokers,
  makeTempDir,
  readWholeTopic,
  repoRoot,
  testLogger,
  uniqueTopic,
  waitUntil,
  describeKafka,
} from '../support/kafka-test-support.js';


/** Compiles the relay and its dependencies to plain ES modules (no type check: tsc does that) for a child process. */
function buildRelayProcess(outDir: string): string {
  const sources = ['libs/event-store/src', 'libs/messaging/src'];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
    });
  for (const file of [...sources.flatMap((dir) => walk(join(repoRoot, dir))), join(repoRoot, 'tests/support/relay-process.ts')]) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ES2022,
        target: ts.ScriptTarget.ES2022,
        experimentalDecorators: true,
        emitDecoratorMetadata: true,
        esModuleInterop: true,
      },
    });
    const target = join(outDir, relative(repoRoot, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return join(outDir, 'tests/support/relay-process.js');
}

describeKafka('Kafka tests', 'Kafka relay killed with SIGKILL', () => {
  const topics: string[] = [];
  // Inside the checkout, so that the compiled modules resolve kafkajs and better-sqlite3 from its node_modules.
  const buildDir = join(repoRoot, '.cache', `messaging-test-build-${process.pid}`);
  afterAll(async () => {
    rmSync(buildDir, { recursive: true, force: true });
    await deleteTopics(kafkaBrokers, topics);
  });

  it('resends after a crash only what was not checkpointed, and a stream never goes back', async () => {
    const script = buildRelayProcess(buildDir);
    const temp = makeTempDir();
    const topic = uniqueTopic('crash');
    topics.push(topic);
    const storePath = join(temp.dir, 'events.db');
    const checkpointPath = join(temp.dir, 'relay.db');
    const store = new SqliteEventStore({ path: storePath, pollIntervalMs: 20 });
    const checkpoints = new SqliteCheckpointStore({ path: checkpointPath });
    let child: ChildProcess | undefined;
    let restarted: KafkaRelay | undefined;
    try {
      child = spawn(process.execPath, [script, storePath, checkpointPath, kafkaBrokers, topic], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      let reported = 0;
      child.stdout!.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/checkpoint (\d+)/g)) reported = Number(match[1]);
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child!.on('exit', (_code, signal) => resolve(signal)));

      // Events keep coming while the relay runs, and it dies in the middle of them.
      const writing = appendEvents(store, 2000, 20, 5);
      await waitUntil(() => reported >= 600 || child!.exitCode !== null, 60_000, 'the relay process to pass position 600');
      expect(stderr).toBe('');
      child.kill('SIGKILL');
      expect(await exited).toBe('SIGKILL');
      await writing;
      const checkpointAtKill = await checkpoints.load('kafka-relay:' + topic);
      expect(checkpointAtKill).toBeGreaterThanOrEqual(600);
      expect(checkpointAtKill).toBeLessThan(2000);
      const beforeRestart = await readWholeTopic(kafkaBrokers, topic);
      // The broker may hold more than the checkpoint says (acknowledged, not yet checkpointed), never less.
      expect(beforeRestart.length).toBeGreaterThanOrEqual(checkpointAtKill);

      restarted = new KafkaRelay({ eventStore: store, checkpoints, brokers: kafkaBrokers, topic, logger: testLogger });
      await restarted.start();
      expect(restarted.checkpoint).toBe(checkpointAtKill);
      await restarted.waitForCheckpoint(2000, 60_000);

      const stored = await store.readAll({ limit: 10_000 });
      const records = await readWholeTopic(kafkaBrokers, topic);
      const { duplicates, duplicatePositions } = checkStreamOrder(records.map((record) => record.event), stored);
      expect(records).toHaveLength(2000 + duplicates);
      expect(duplicates).toBe(beforeRestart.length - checkpointAtKill);
      // Batches go one at a time, so at most one (25 events in the child) was acknowledged and not checkpointed.
      expect(duplicates).toBeLessThanOrEqual(25);
      for (const position of duplicatePositions) expect(position).toBeGreaterThan(checkpointAtKill);
    } finally {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await restarted?.stop();
      await checkpoints.close();
      await store.close();
      temp.remove();
    }
  }, 120_000);
});
