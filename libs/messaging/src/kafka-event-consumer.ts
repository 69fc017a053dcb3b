import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { kafkajs } from './kafkajs.js';
import type { StoredEvent } from '#event-store';
import { DEFAULT_BACKOFF, InterruptibleSleep, backoffDelay, type BackoffOptions } from './backoff.js';
import { DEFAULT_EVENTS_TOPIC, InvalidEventMessageError, fromKafkaMessage } from './kafka-envelope.js';
import { ensureTopic } from './kafka-topic.js';
import { splitBrokers } from './kafka-relay.js';
import { defaultLogger, kafkajsLogCreator, type MessagingLogger } from './messaging-logger.js';
import type { ProcessedEvents } from './processed-events.port.js';

export interface EventBatchContext {
  topic: string;
  partition: number;
}

/** Receives events in partition order, each event id at most once (see ProcessedEvents). */
export type EventBatchHandler = (events: StoredEvent[], context: EventBatchContext) => Promise<void>;

export interface KafkaEventConsumerOptions {
  brokers: string[] | string;
  /** Default `scoran.events`. */
  topic?: string;
  /** The consumer group: offsets are committed under it. */
  groupId: string;
  handler: EventBatchHandler;
  /** The durable record of applied event ids, used to drop redelivered events. */
  processedEvents: ProcessedEvents;
  /**
   * Whether the consumer records handled ids itself, after the handler resolved (default true).
   * Set false when the handler records them in its own transaction (SqliteProcessedEvents.recordSync),
   * which leaves no crash window between applying an event and remembering it.
   */
  recordProcessed?: boolean;
  /** Key of this consumer's ids in ProcessedEvents; default the group id. */
  consumerName?: string;
  /** Partitions if the consumer is first to need the topic and creates it. Default 1, as the relay. */
  numPartitions?: number;
  /** Where a group without committed offsets starts. Default true (the whole topic). */
  fromBeginning?: boolean;
  clientId?: string;
  /** Delays between attempts when the handler fails or the consumer crashed. */
  backoff?: BackoffOptions;
  sessionTimeoutMs?: number;
  logger?: MessagingLogger;
}

export interface KafkaEventConsumerStats {
  running: boolean;
  /** Events handed to the handler (and accepted by it). */
  delivered: number;
  /** Redelivered events dropped because their id was already processed. */
  duplicatesSkipped: number;
  /** Messages that were not event envelopes, logged and passed over. */
  invalidSkipped: number;
  handlerFailures: number;
  lastError: string | undefined;
}

class ConsumerStoppingError extends Error {
  constructor() {
    super('The consumer is stopping or lost its partition');
    this.name = 'ConsumerStoppingError';
  }
}

/**
 * Reads the relay's topic in a consumer group and hands events to a handler, in order within each
 * partition (one partition at a time, one batch at a time).
 *
 * Delivery from Kafka is at-least-once: the relay may resend after a crash, and offsets committed
 * late are read again. Dedupe is by event id against a durable record (ProcessedEvents), which holds
 * whatever the topic's partitioning; a position watermark would be cheaper but only sound while each
 * partition carries a subsequence of the global order. Offsets are committed only after the handler
 * succeeded and the ids were recorded; a failing handler is retried with backoff, never skipped.
 */
export class KafkaEventConsumer {
  readonly topic: string;
  readonly groupId: string;
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private readonly consumerName: string;
  private readonly recordProcessed: boolean;
  private readonly backoff: BackoffOptions;
  private readonly sleeper = new InterruptibleSleep();
  private consumer: Consumer | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private running = false;
  private stopping = false;
  private readonly counters = { delivered: 0, duplicatesSkipped: 0, invalidSkipped: 0, handlerFailures: 0 };
  private lastError: string | undefined;

  constructor(private readonly options: KafkaEventConsumerOptions) {
    this.topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
    this.groupId = options.groupId;
    this.consumerName = options.consumerName ?? options.groupId;
    this.recordProcessed = options.recordProcessed ?? true;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.logger = options.logger ?? defaultLogger('kafka-event-consumer');
    const brokers = typeof options.brokers === 'string' ? splitBrokers(options.brokers) : options.brokers;
    if (brokers.length === 0) throw new TypeError('KafkaEventConsumer needs at least one broker');
    this.kafka = new (kafkajs().Kafka)({
      clientId: options.clientId ?? `scoran-consumer-${options.groupId}`,
      brokers,
      logLevel: kafkajs().logLevel.WARN,
      logCreator: kafkajsLogCreator(this.logger),
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
    });
  }

  /** Joins the group and starts consuming; resolves once the consumer runs. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.stopping = false;
    try {
      await this.launch();
    } catch (error) {
      this.running = false;
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.sleeper.wake();
    clearTimeout(this.restartTimer);
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer !== undefined) await consumer.disconnect().catch(() => undefined);
    this.running = false;
  }

  stats(): KafkaEventConsumerStats {
    return { running: this.running, ...this.counters, lastError: this.lastError };
  }

  private async launch(): Promise<void> {
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      allowAutoTopicCreation: true,
      retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.lastError = describe(payload.error);
      if (payload.restart || this.stopping || this.consumer !== consumer) return;
      // kafkajs gave up on this error; start over with a new consumer rather than stay down.
      this.logger.error({ groupId: this.groupId, err: payload.error }, 'consumer crashed; restarting');
      this.scheduleRestart(consumer);
    });
    this.consumer = consumer;
    try {
      await ensureTopic(this.kafka, this.topic, this.options.numPartitions ?? 1, this.logger);
      await consumer.connect();
      await consumer.subscribe({ topics: [this.topic], fromBeginning: this.options.fromBeginning ?? true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.handleBatch(consumer, payload),
      });
    } catch (error) {
      this.consumer = undefined;
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }
  }

  private scheduleRestart(crashed: Consumer): void {
    this.consumer = undefined;
    const delay = backoffDelay(this.restarts++, this.backoff);
    this.restartTimer = setTimeout(() => {
      void (async () => {
        await crashed.disconnect().catch(() => undefined);
        if (this.stopping) return;
        try {
          await this.launch();
          this.restarts = 0;
        } catch (error) {
          this.lastError = describe(error);
          this.logger.warn({ groupId: this.groupId, err: error }, 'consumer restart failed; trying again');
          this.scheduleRestart(crashed);
        }
      })();
    }, delay);
  }

  private async handleBatch(consumer: Consumer, payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale, resolveOffset } = payload;
    if (batch.messages.length === 0) return;
    const context: EventBatchContext = { topic: batch.topic, partition: batch.partition };
    const events: StoredEvent[] = [];
    const ids = new Set<string>();
    for (const message of batch.messages) {
      try {
        const event = fromKafkaMessage(message);
        // The same id twice in one batch is a resend that landed next to the original.
        if (ids.has(event.id)) {
          this.counters.duplicatesSkipped++;
          continue;
        }
        ids.add(event.id);
        events.push(event);
      } catch (error) {
        if (!(error instanceof InvalidEventMessageError)) throw error;
        this.counters.invalidSkipped++;
        this.logger.error({ ...context, offset: message.offset, err: error }, 'not an event envelope; passed over');
      }
    }
    const seen = await this.options.processedEvents.seen(this.consumerName, [...ids]);
    const fresh = events.filter((event) => !seen.has(event.id));
    this.counters.duplicatesSkipped += events.length - fresh.length;

    if (fresh.length > 0) {
      await this.runHandler(fresh, context, payload);
      if (this.recordProcessed) await this.options.processedEvents.record(this.consumerName, fresh);
      this.counters.delivered += fresh.length;
    }
    if (!isRunning() || isStale()) return;
    const lastOffset = batch.lastOffset();
    resolveOffset(lastOffset);
    await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }]);
    await heartbeat();
  }

  private async runHandler(events: StoredEvent[], context: EventBatchContext, payload: EachBatchPayload): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.handler(events, context);
        return;
      } catch (error) {
        this.counters.handlerFailures++;
        this.lastError = describe(error);
        if (this.stopping || !payload.isRunning() || payload.isStale()) throw new ConsumerStoppingError();
        const delay = backoffDelay(attempt, this.backoff);
        this.logger.error(
          { ...context, err: error, first: events[0]!.position, last: events[events.length - 1]!.position, retryInMs: delay },
          'event handler failed; retrying the same events',
        );
        await this.sleeper.sleep(delay);
        if (this.stopping || !payload.isRunning() || payload.isStale()) throw new ConsumerStoppingError();
        // Keeps the group membership alive while the handler is being retried.
        await payload.heartbeat();
      }
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
