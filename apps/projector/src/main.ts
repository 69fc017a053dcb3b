import { ConfigError, loadConfig } from '#config';
import { KafkaEventConsumer, SqliteProcessedEvents } from '#messaging';
import { openTracker } from '#tracker';

/**
 * The projector as its own service. PROJECTOR_SOURCE=store (default) follows the event store;
 * PROJECTOR_SOURCE=kafka follows the topic, so that a query node needs no access to the store
 * (events already applied are dropped by id, and by position through the checkpoints).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const source = process.env.PROJECTOR_SOURCE ?? 'store';
  if (source !== 'store' && source !== 'kafka') throw new ConfigError(['PROJECTOR_SOURCE must be "store" or "kafka"']);
  if (source === 'kafka' && !config.kafkaBrokers.length) throw new ConfigError(['KAFKA_BROKERS is required with PROJECTOR_SOURCE=kafka']);
  const tracker = await openTracker(config, { projections: 'main', eventStore: source === 'store' });
  const runner = tracker.runner;
  let stop = async () => {};
  if (source === 'store') {
    tracker.start();
  } else {
    // The processed ids live in the read models' file, so that they commit with what they produced.
    const processed = new SqliteProcessedEvents({ database: tracker.readDb });
    const consumer = new KafkaEventConsumer({
      brokers: config.kafkaBrokers, topic: config.kafkaTopic, groupId: process.env.PROJECTOR_GROUP_ID ?? 'scoran-projector', processedEvents: processed,
      handler: async (events) => runner.applyBatch(events.filter((e) => e.position > runner.checkpoint)),
    });
    await consumer.start();
    stop = () => consumer.stop();
  }
  process.stderr.write(`projector: from ${source}, read models at position ${runner.checkpoint}\n`);
  const shutdown = async () => { await stop(); await tracker.close(); process.exit(0); };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
