import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Database } from 'better-sqlite3';
import { RoadmapCommands } from '#application';
import type { StoredEvent } from '#event-store';
import { SqliteEventStore } from '#event-store';
import { KafkaEventConsumer, KafkaRelay, SqliteCheckpointStore, SqliteProcessedEvents } from '#messaging';
import { allProjections, openReadModelDb, ProjectionRunner } from '#projections';
import { seedRoadmap } from '#seed';
import { dumpReadModels } from '../support/read-model-dump.js';
import { checkStreamOrder, deleteTopics, kafkaBrokers, makeTempDir, readWholeTopic, testLogger, uniqueTopic, waitUntil, describeKafka, kafkaTestResources } from '../support/kafka-test-support.js';


const fastBackoff = { initialMs: 100, maxMs: 1000 };
const ctx = { actor: 'pilot:test', correlationId: 'kafka-projection', source: 'tests/messaging', now: new Date() };
const CONSUMER_NAME = 'read-models';

/** A query node's read models, fed only from the topic: dedupe record and projections in one transaction. */
interface KafkaFedReadModels {
  db: Database;
  runner: ProjectionRunner;
  consumer: KafkaEventConsumer;
  applied: () => number;
}

describeKafka('Kafka-fed projections', 'read models fed from Kafka', () => {
  const { topics, cleanups } = kafkaTestResources();

  it('equal the read models fed from the store, also with every event twice on the topic', async () => {
    const temp = makeTempDir();
    const topic = uniqueTopic('projection');
    topics.push(topic);
    const store = new SqliteEventStore({ path: join(temp.dir, 'events.sqlite'), pollIntervalMs: 50 });
    const checkpoints = new SqliteCheckpointStore({ path: join(temp.dir, 'relay.sqlite') });
    const relays: KafkaRelay[] = [];
    const fed: KafkaFedReadModels[] = [];
    cleanups.push(async () => {
      for (const relay of relays) await relay.stop();
      for (const node of fed) {
        await node.consumer.stop();
        node.db.close();
      }
      await checkpoints.close();
      await store.close();
      temp.remove();
    });
    const relay = (name: string): KafkaRelay => {
      // A second relay under another checkpoint name publishes the whole log again: every event twice.
      const created = new KafkaRelay({ eventStore: store, checkpoints, brokers: kafkaBrokers, topic, name, batchSize: 100, logger: testLogger, backoff: fastBackoff });
      relays.push(created);
      return created;
    };
    const kafkaFed = async (label: string): Promise<KafkaFedReadModels> => {
      const db = openReadModelDb(join(temp.dir, `${label}.sqlite`));
      const runner = new ProjectionRunner(db, allProjections());
      const processed = new SqliteProcessedEvents({ database: db });
      let applied = 0;
      const consumer = new KafkaEventConsumer({
        brokers: kafkaBrokers,
        topic,
        groupId: `${topic}.${label}`,
        consumerName: CONSUMER_NAME,
        processedEvents: processed,
        recordProcessed: false,
        backoff: fastBackoff,
        logger: testLogger,
        handler: async (events) => {
          db.transaction(() => {
            runner.applyBatch(events);
            processed.recordSync(CONSUMER_NAME, events);
          })();
          applied += events.length;
        },
      });
      const node = { db, runner, consumer, applied: () => applied };
      fed.push(node);
      await consumer.start();
      return node;
    };

    // The real roadmap, seeded before anything listens: the relay catches up from position 0.
    const commands = new RoadmapCommands(store);
    const seeded = await seedRoadmap(commands);
    expect(seeded.written).toBeGreaterThan(100);
    const first = relay('relay-a');
    await first.start();
    const nodeA = await kafkaFed('node-a');

    // Then live traffic while relay and consumer run: a few hundred reports, a correction, a milestone.
    const withIndicators = (await store.readAll()).filter(
      (e): e is StoredEvent & { data: { sheetId: string; indicators: Array<{ indicatorId: string }> } } =>
        e.type === 'SheetCreated' && (e.data as { version?: string }).version === 'V4' && ((e.data as { indicators?: unknown[] }).indicators?.length ?? 0) > 0,
    );
    expect(withIndicators.length).toBeGreaterThanOrEqual(3);
    const targets = withIndicators.slice(0, 4).map((e) => ({ sheetId: e.data.sheetId, indicatorId: e.data.indicators[0]!.indicatorId }));
    const territories = [null, '24', '18', '28', '36', '37', '41', '45'];
    for (let round = 0; round < 30; round++) {
      const writes: Promise<unknown>[] = [];
      for (let i = round * 10; i < round * 10 + 10; i++) {
        const target = targets[i % targets.length]!;
        writes.push(commands.onSheet(target.sheetId, {
          type: 'ReportIndicator',
          data: { indicatorId: target.indicatorId, reportId: `kafka-${i}`, value: (i * 7) % 100, observedOn: `20${19 + (i % 5)}-${String(1 + (i % 12)).padStart(2, '0')}-15`, territory: territories[i % territories.length] ?? null },
          metadata: ctx,
        }));
      }
      await Promise.all(writes);
    }
    await commands.onSheet(targets[0]!.sheetId, {
      type: 'CorrectIndicatorReport', data: { indicatorId: targets[0]!.indicatorId, reportId: 'kafka-0', value: 41, observedOn: '2019-02-28', reason: 'wrong column in the source table' },
      metadata: ctx,
    });
    await commands.onSheet(targets[1]!.sheetId, {
      type: 'CorrectIndicatorReport', data: { indicatorId: targets[1]!.indicatorId, reportId: 'kafka-1', value: 2, reason: 'double counted' },
      metadata: ctx,
    });

    const head = await store.headPosition();
    expect(head).toBe(seeded.written + 302);
    await first.waitForCheckpoint(head, 60_000);
    await waitUntil(() => nodeA.runner.checkpoint >= head, 60_000, 'the Kafka-fed read models to reach the head');

    // The reference: the same projections fed from the store.
    const fromStoreDb = openReadModelDb(join(temp.dir, 'from-store.sqlite'));
    cleanups.push(() => { fromStoreDb.close(); });
    const fromStore = new ProjectionRunner(fromStoreDb, allProjections());
    fromStore.start(store);
    await fromStore.waitFor(head, 30_000);
    await fromStore.stop();

    const reference = dumpReadModels(fromStoreDb);
    expect(reference.indicator_reports!.length).toBeGreaterThanOrEqual(300 + 55);
    expect(reference.indicator_report_corrections).toHaveLength(2);
    expect(reference.event_feed).toHaveLength(head);
    expect(reference.sheet_summary!.length).toBe(44);
    expect(dumpReadModels(nodeA.db)).toEqual(reference);
    expect(nodeA.applied()).toBe(head);
    expect(nodeA.consumer.stats()).toMatchObject({ delivered: head, invalidSkipped: 0 });

    // Every event a second time, from a relay that never saw the first one's checkpoint.
    const second = relay('relay-b');
    await second.start();
    await second.waitForCheckpoint(head, 60_000);
    await waitUntil(() => nodeA.consumer.stats().duplicatesSkipped >= head, 60_000, 'node A to pass over the resent events');
    expect(nodeA.applied()).toBe(head);
    expect(dumpReadModels(nodeA.db)).toEqual(reference);

    const onTopic = await readWholeTopic(kafkaBrokers, topic);
    expect(onTopic).toHaveLength(2 * head);
    expect(checkStreamOrder(onTopic.map((r) => r.event), await store.readAll()).duplicates).toBe(head);

    // A node joining later reads the doubled topic from its start and ends with the same tables.
    const nodeB = await kafkaFed('node-b');
    await waitUntil(() => nodeB.consumer.stats().delivered + nodeB.consumer.stats().duplicatesSkipped >= 2 * head, 60_000, 'node B to read the whole topic');
    expect(nodeB.consumer.stats()).toMatchObject({ delivered: head, duplicatesSkipped: head });
    expect(nodeB.runner.checkpoint).toBe(head);
    expect(dumpReadModels(nodeB.db)).toEqual(reference);
    expect((nodeB.db.prepare('SELECT COUNT(*) AS n FROM processed_events WHERE consumer = ?').get(CONSUMER_NAME) as { n: number }).n).toBe(head);
  }, 180_000);
});
