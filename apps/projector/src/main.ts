import { join } from 'node:path';
import { ConfigError, loadConfig } from '#config';
import { KafkaEventConsumer, SqliteProcessedEvents } from '#messaging';
import { allProjections, openReadModelDb, ProjectionRunner } from '#projections';
import { openEventStore } from '../../api/src/infrastructure/tracker.module.js';

/**
 * The projector as its own service. PROJECTOR_SOURCE=store (default) follows the event store;
 * PROJECTOR_SOURCE=kafka follows the topic, so that a query node needs no access to the store
 * (events already applied are dropped by id, and by position through the checkpoints).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const source = process.env.PROJECTOR_SOURCE ?? 'store';
  if (source !== 'store' && source !== 'kafka') throw new ConfigError(['PROJECTOR_SOURCE must be "store" or "kafka"']);
  const db = openReadModelDb(join(config.dataDir, 'read-models.sqlite'));
  const runner = new ProjectionRunner(db, allProjections());
  let stop: () => Promise<void>;
  if (source === 'store') {
    const store = await openEventStore(config);
    runner.start(store);
    stop = async () => { await runner.stop(); await store.close(); };
  } else {
    if (!config.kafkaBrokers.length) throw new ConfigError(['KAFKA_BROKERS is required with PROJECTOR_SOURCE=kafka']);
    const processed = new SqliteProcessedEvents({ database: db });
    const consumer = new KafkaEventConsumer({
      brokers: config.kafkaBrokers, topic: config.kafkaTopic, groupId: process.env.PROJECTOR_GROUP_ID ?? 'scoran-projector', processedEvents: processed,
      handler: async (events) => runner.applyBatch(events.filter((e) => e.position > runner.checkpoint)),
    });
    await consumer.start();
    stop = async () => { await consumer.stop(); };
  }
  process.stderr.write(`projector: from ${source}, read models at position ${runner.checkpoint}\n`);
  const shutdown = async () => { await stop(); db.close(); process.exit(0); };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
