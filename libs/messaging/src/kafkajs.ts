import { createRequire } from 'node:module';
import type * as KafkaJs from 'kafkajs';

const requireHere = createRequire(import.meta.url);
let loaded: typeof KafkaJs | undefined;

/**
 * kafkajs, required when a relay, a consumer or a Kafka check is first made: ~70 ms of import on
 * every start otherwise, in processes that mostly run without KAFKA_BROKERS.
 */
export function kafkajs(): typeof KafkaJs {
  loaded ??= requireHere('kafkajs') as typeof KafkaJs;
  return loaded;
}
