import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Metrics shared by everything running in this process, whatever app instance owns it: the Kafka
 * relay reports its lag here without depending on the HTTP application. Each HTTP application adds
 * its own registry (requests, appends, projections) and `/metrics` shows both.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'scoran_' });

const relayLag = new Gauge({
  name: 'scoran_relay_lag_events',
  help: 'Events stored but not yet acknowledged by the Kafka broker (store head − relay checkpoint)',
  labelNames: ['topic'] as const,
  registers: [processRegistry],
});
const relayCheckpoint = new Gauge({
  name: 'scoran_relay_checkpoint_position',
  help: 'Global position of the last event the Kafka broker acknowledged',
  labelNames: ['topic'] as const,
  registers: [processRegistry],
});

/** Called by the Kafka relay after each acknowledged batch. */
export function reportRelayLag(sample: { topic: string; head: number; checkpoint: number }): void {
  relayLag.set({ topic: sample.topic }, Math.max(0, sample.head - sample.checkpoint));
  relayCheckpoint.set({ topic: sample.topic }, sample.checkpoint);
}
