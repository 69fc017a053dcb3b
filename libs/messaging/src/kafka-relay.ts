import type { Kafka, Message, Producer } from 'kafkajs';
import { kafkajs } from './kafkajs.js';
import type { EventStore, StoredEvent, Subscription } from '#event-store';
import { isPrivateStream, PositionWaiters } from '#event-store';
import { DEFAULT_BACKOFF, InterruptibleSleep, backoffDelay, type BackoffOptions } from './backoff.js';
import type { CheckpointStore } from './checkpoint-store.port.js';
import { DEFAULT_EVENTS_TOPIC, toKafkaMessage } from './kafka-envelope.js';
import { ensureTopic } from './kafka-topic.js';
import { defaultLogger, kafkajsLogCreator, type MessagingLogger } from './messaging-logger.js';

export interface KafkaRelayOptions {
  eventStore: EventStore;
  checkpoints: CheckpointStore;
  /** Bootstrap servers: a list, or a comma-separated string as in KAFKA_BROKERS. */
  brokers: string[] | string;
  /** Default `scoran.events`. */
  topic?: string;
  /** The checkpoint's name; default `kafka-relay:<topic>`. */
  name?: string;
  clientId?: string;
  /** Events read from the store per batch. Default 500. */
  batchSize?: number;
  /**
   * Most bytes of event values in one produce request. Default 512 KiB: a request carries one record
   * batch per partition, and the broker rejects batches over `message.max.bytes` (1 MiB by default).
   */
  maxRequestBytes?: number;
  /** Partitions when the relay creates the topic. Default 1, which keeps the global order on the wire. */
  numPartitions?: number;
  /** Delays between attempts after a broker error or a failed checkpoint write. */
  backoff?: BackoffOptions;
  /** How long a graceful stop lets an in-flight batch finish before cutting the connection (ms). Default 10 000. */
  stopGraceMs?: number;
  logger?: MessagingLogger;
}

export interface KafkaRelayStats {
  running: boolean;
  /** Position of the last event acknowledged by the broker and checkpointed. */
  checkpoint: number;
  /** Events acknowledged since start (a resent batch counts again). */
  published: number;
  /** Failed produce attempts since start, each followed by a retry of the same events. */
  sendFailures: number;
  lastError: string | undefined;
}

class RelayStoppedError extends Error {
  constructor() {
    super('The relay is stopping');
    this.name = 'RelayStoppedError';
  }
}

/**
 * Publishes every stored event to a Kafka topic, in global position order, at least once.
 *
 * The checkpoint moves only after the broker acknowledged a batch (acks = all, idempotent producer,
 * one request in flight), so a crash at any point resends at most the unacknowledged tail; a broker
 * error makes the relay retry the same batch with backoff, never skip it. Because batches are sent
 * one after another from the checkpoint, a stream's events never overtake each other, resends included.
 */
export class KafkaRelay {
  readonly topic: string;
  readonly name: string;
  private readonly kafka: Kafka;
  private readonly logger: MessagingLogger;
  private readonly batchSize: number;
  private readonly maxRequestBytes: number;
  private readonly numPartitions: number;
  private readonly backoff: BackoffOptions;
  private readonly stopGraceMs: number;
  private readonly sleeper = new InterruptibleSleep();
  private producer: Producer | undefined;
  private subscription: Subscription | undefined;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private topicReady = false;
  private running = false;
  private stopping = false;
  private position = 0;
  private published = 0;
  private sendFailures = 0;
  private subscriptionFailures = 0;
  private lastError: string | undefined;
  private readonly waiters = new PositionWaiters();

  constructor(private readonly options: KafkaRelayOptions) {
    this.topic = options.topic ?? DEFAULT_EVENTS_TOPIC;
    this.name = options.name ?? `kafka-relay:${this.topic}`;
    this.batchSize = options.batchSize ?? 500;
    this.maxRequestBytes = options.maxRequestBytes ?? 512 * 1024;
    this.numPartitions = options.numPartitions ?? 1;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.stopGraceMs = options.stopGraceMs ?? 10_000;
    this.logger = options.logger ?? defaultLogger('kafka-relay');
    const brokers = typeof options.brokers === 'string' ? splitBrokers(options.brokers) : options.brokers;
    if (brokers.length === 0) throw new TypeError('KafkaRelay needs at least one broker');
    this.kafka = new (kafkajs().Kafka)({
      clientId: options.clientId ?? 'scoran-relay',
      brokers,
      logLevel: kafkajs().logLevel.WARN,
      logCreator: kafkajsLogCreator(this.logger),
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    });
  }

  /** Loads the checkpoint and starts relaying; broker problems are retried in the background. */
  async start(): Promise<void> {
    if (this.running) return;
    this.position = await this.options.checkpoints.load(this.name);
    this.running = true;
    this.stopping = false;
    this.logger.info({ relay: this.name, topic: this.topic, checkpoint: this.position }, 'relay starting');
    this.subscribe();
  }

  /** Graceful stop: lets the in-flight batch finish (up to stopGraceMs), then disconnects. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopping = true;
    this.sleeper.wake();
    clearTimeout(this.resubscribeTimer);
    const subscriptionStopped = this.subscription?.stop() ?? Promise.resolve();
    let graceTimer: NodeJS.Timeout | undefined;
    await Promise.race([subscriptionStopped, new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, this.stopGraceMs)))]);
    clearTimeout(graceTimer);
    // Cuts a send that is still waiting for an unreachable broker; its events were not checkpointed.
    await this.dropProducer();
    await subscriptionStopped;
    this.subscription = undefined;
    this.running = false;
    this.waiters.rejectAll(new Error(`Relay ${this.name} stopped at position ${this.position}`));
    this.logger.info({ relay: this.name, checkpoint: this.position }, 'relay stopped');
  }

  /** Position of the last event acknowledged by the broker and checkpointed. */
  get checkpoint(): number {
    return this.position;
  }

  /** Events stored but not yet acknowledged by the broker (store head − checkpoint), for metrics. */
  async lag(): Promise<number> {
    return Math.max(0, (await this.options.eventStore.headPosition()) - this.position);
  }

  stats(): KafkaRelayStats {
    return {
      running: this.running,
      checkpoint: this.position,
      published: this.published,
      sendFailures: this.sendFailures,
      lastError: this.lastError,
    };
  }

  /** Resolves once every event up to `position` is acknowledged and checkpointed. */
  waitForCheckpoint(position: number, timeoutMs?: number): Promise<void> {
    if (this.position >= position) return Promise.resolve();
    if (!this.running) return Promise.reject(new Error(`Relay ${this.name} is not running`));
    return this.waiters.wait(position, timeoutMs, () => `Relay ${this.name}: timed out after ${timeoutMs} ms waiting for position ${position} (checkpoint ${this.position})`);
  }

  private subscribe(): void {
    this.subscription = this.options.eventStore.subscribeToAll((events) => this.relayBatch(events), {
      fromPosition: this.position,
      batchSize: this.batchSize,
      onError: (error) => this.onSubscriptionError(error),
    });
  }

  /** A failed read of the store ends the subscription; resume from the checkpoint after a pause. */
  private onSubscriptionError(error: unknown): void {
    if (this.stopping || error instanceof RelayStoppedError) return;
    const attempt = this.subscriptionFailures++;
    this.lastError = describe(error);
    this.logger.error({ relay: this.name, err: error, checkpoint: this.position }, 'event store subscription failed; resubscribing');
    this.resubscribeTimer = setTimeout(() => {
      if (!this.stopping) this.subscribe();
    }, backoffDelay(attempt, this.backoff));
  }

  private async relayBatch(events: StoredEvent[]): Promise<void> {
    const fresh = events.filter((event) => event.position > this.position);
    for (const chunk of this.chunks(fresh.filter((event) => !isPrivateStream(event.stream)))) {
      if (this.stopping) throw new RelayStoppedError();
      await this.publish(chunk.messages, chunk.first, chunk.last);
      await this.saveCheckpoint(chunk.last);
      this.published += chunk.messages.length;
      this.position = chunk.last;
      this.subscriptionFailures = 0;
      this.waiters.reached(this.position);
    }
    // The access log is never published; the checkpoint still moves past its events.
    const last = fresh[fresh.length - 1]?.position ?? 0;
    if (last > this.position) {
      await this.saveCheckpoint(last);
      this.position = last;
      this.waiters.reached(last);
    }
  }

  private *chunks(events: StoredEvent[]): Generator<{ messages: Message[]; first: number; last: number }> {
    let messages: Message[] = [];
    let bytes = 0;
    let first = 0;
    let last = 0;
    for (const event of events) {
      const message = toKafkaMessage(event);
      const size = Buffer.byteLength(message.value as string) + Buffer.byteLength(event.stream) + 64;
      if (messages.length > 0 && bytes + size > this.maxRequestBytes) {
        yield { messages, first, last };
        messages = [];
        bytes = 0;
      }
      if (messages.length === 0) first = event.position;
      messages.push(message);
      bytes += size;
      last = event.position;
    }
    if (messages.length > 0) yield { messages, first, last };
  }

  private async publish(messages: Message[], first: number, last: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.stopping && attempt > 0) throw new RelayStoppedError();
      try {
        const producer = await this.connectedProducer();
        await producer.send({ topic: this.topic, acks: -1, messages });
        if (attempt > 0) this.logger.info({ relay: this.name, first, last, attempts: attempt + 1 }, 'broker reachable again; batch acknowledged');
        return;
      } catch (error) {
        if (this.stopping) throw new RelayStoppedError();
        this.sendFailures++;
        this.lastError = describe(error);
        const delay = backoffDelay(attempt, this.backoff);
        this.logger.warn({ relay: this.name, err: error, first, last, attempt: attempt + 1, retryInMs: delay }, 'publishing failed; retrying the same events');
        // A fresh producer (new producer id) after any failure: kafkajs's sequence numbers may no
        // longer match the broker's after a failed idempotent send.
        await this.dropProducer();
        await this.sleeper.sleep(delay);
      }
    }
  }

  private async saveCheckpoint(position: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.checkpoints.save(this.name, position);
        return;
      } catch (error) {
        if (this.stopping) throw new RelayStoppedError();
        this.lastError = describe(error);
        const delay = backoffDelay(attempt, this.backoff);
        this.logger.error({ relay: this.name, err: error, position, retryInMs: delay }, 'saving the relay checkpoint failed; retrying');
        await this.sleeper.sleep(delay);
      }
    }
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer !== undefined) return this.producer;
    if (!this.topicReady) {
      await ensureTopic(this.kafka, this.topic, this.numPartitions, this.logger);
      this.topicReady = true;
    }
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: true,
      createPartitioner: kafkajs().Partitioners.DefaultPartitioner,
      // Finite, so that an outage surfaces here and is retried with a fresh producer; the EoS warning kafkajs
      // gives for this does not apply, the relay promises at-least-once.
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 2000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.stopping) {
      // stop() already dropped the previous producer; this one would be left connected.
      await producer.disconnect().catch(() => undefined);
      throw new RelayStoppedError();
    }
    this.producer = producer;
    return producer;
  }

  private async dropProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer !== undefined) await producer.disconnect().catch(() => undefined);
  }
}

export function splitBrokers(brokers: string): string[] {
  return brokers
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
