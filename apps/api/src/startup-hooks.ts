import { dataFiles, type AppConfig } from '#config';
import { KafkaRelay, SqliteCheckpointStore } from '#messaging';
import { seedHook } from '#seed';
import type { StartupHook } from './infrastructure/tracker.module.js';
import { registerRelayLagSource } from './metrics/metrics-registry.js';

/** Relays every stored event to Kafka from inside this process (the one-process default with KAFKA_BROKERS). */
export const relayHook: StartupHook = async ({ store, config }) => {
  const checkpoints = new SqliteCheckpointStore({ path: dataFiles(config.dataDir).relay });
  const relay = new KafkaRelay({ eventStore: store, checkpoints, brokers: config.kafkaBrokers, topic: config.kafkaTopic });
  await relay.start();
  const unregister = registerRelayLagSource({ topic: config.kafkaTopic, lag: () => relay.lag(), get checkpoint() { return relay.checkpoint; } });
  return async () => {
    unregister();
    await relay.stop();
    await checkpoints.close();
  };
};

/** What the one-process default does once the store is open: seed the real roadmap (first start), relay to Kafka if asked. */
export async function defaultStartupHooks(config: AppConfig): Promise<StartupHook[]> {
  const hooks: StartupHook[] = [];
  if (config.seedOnStart && config.role !== 'query') hooks.push(seedHook);
  if (config.kafkaBrokers.length) hooks.push(relayHook);
  return hooks;
}
