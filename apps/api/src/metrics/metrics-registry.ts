import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * Metrics shared by everything running in this process, whatever app instance owns it: the Kafka
 * relay reports its lag here without depending on the HTTP application. Each HTTP application adds
 * its own registry (requests, appends, projections) and `/metrics` shows both.
 */
export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: 'scoran_' });

/** A running relay, read at scrape time. */
export interface RelayLagSource {
  topic: string;
  lag(): Promise<number> | number;
  readonly checkpoint: number;
}
const relaySources = new Set<RelayLagSource>();

const relayLag = new Gauge({
  name: 'scoran_relay_lag_events',
  help: 'Events stored but not yet acknowledged by the Kafka broker (store head − relay checkpoint)',
  labelNames: ['topic'] as const,
  registers: [processRegistry],
  async collect() {
    for (const s of relaySources) this.set({ topic: s.topic }, await s.lag());
  },
});
const relayCheckpoint = new Gauge({
  name: 'scoran_relay_checkpoint_position',
  help: 'Global position of the last event the Kafka broker acknowledged',
  labelNames: ['topic'] as const,
  registers: [processRegistry],
  collect() {
    for (const s of relaySources) this.set({ topic: s.topic }, s.checkpoint);
  },
});

/**
 * Lets /metrics read a running relay's lag at each scrape (e.g. a KafkaRelay, which has `lag()` and
 * `checkpoint`). Returns the function that unregisters it when the relay stops.
 */
export function registerRelayLagSource(source: RelayLagSource): () => void {
  relaySources.add(source);
  return () => {
    relaySources.delete(source);
    relayLag.remove({ topic: source.topic });
    relayCheckpoint.remove({ topic: source.topic });
  };
}

/** For a relay in another shape (or another process reporting here): push one sample. */
export function reportRelayLag(sample: { topic: string; head: number; checkpoint: number }): void {
  relayLag.set({ topic: sample.topic }, Math.max(0, sample.head - sample.checkpoint));
  relayCheckpoint.set({ topic: sample.topic }, sample.checkpoint);
}
