import { ConfigError, loadConfig } from '#config';
import { KafkaRelay } from '#messaging';
import { openTracker } from '#tracker';

/** The relay as its own service: every stored event to Kafka, at least once, in order per stream. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.kafkaBrokers.length) throw new ConfigError(['KAFKA_BROKERS is required for the relay (host:port,…)']);
  const tracker = await openTracker(config, { projections: 'none' });
  const relay = new KafkaRelay({ eventStore: tracker.store, checkpoints: tracker.relayCheckpoints, brokers: config.kafkaBrokers, topic: config.kafkaTopic });
  await relay.start();
  process.stderr.write(`relay: ${tracker.store.name} → ${config.kafkaBrokers.join(',')} topic ${config.kafkaTopic}\n`);
  const stop = async () => {
    await relay.stop();
    await tracker.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ConfigError ? 2 : 1);
});
