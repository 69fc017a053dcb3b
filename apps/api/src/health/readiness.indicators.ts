import { Inject, Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { AppConfig } from '#config';
import type { EventStore } from '#event-store';
import { kafkajs } from '#messaging';
import { ProjectionHost } from '#projections';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens.js';

/** Beyond this many unapplied events the read models are too stale to serve reads. */
export const READY_LAG_LIMIT = 1000;

/** Readiness indicators: the event store answers, the read models keep up, Kafka (when configured) answers. */
@Injectable()
export class ReadinessIndicators {
  private readonly logger = new Logger('Health');

  constructor(
    @Inject(HealthIndicatorService) private readonly health: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionHost) private readonly runner: ProjectionHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async eventStore() {
    const session = this.health.check('eventStore');
    try {
      return session.up({ name: this.store.name, head: await this.store.headPosition() });
    } catch (error) {
      return session.down({ name: this.store.name, message: (error as Error).message });
    }
  }

  async projections() {
    const session = this.health.check('projections');
    const data = { checkpoint: this.runner.checkpoint, lag: 0, limit: READY_LAG_LIMIT, error: this.runner.error?.message ?? null };
    try {
      data.lag = Math.max(0, (await this.store.headPosition()) - this.runner.checkpoint);
    } catch (error) {
      return session.down({ ...data, message: `event store: ${(error as Error).message}` });
    }
    if (data.error) return session.down(data);
    if (data.lag > READY_LAG_LIMIT) return session.down({ ...data, message: 'read models are catching up' });
    return session.up(data);
  }

  /** Only when KAFKA_BROKERS is set: can an admin client connect within two seconds? */
  kafka() {
    return this.health
      .check('kafka')
      .attempt(async () => {
        const { Kafka, logLevel } = kafkajs();
        const kafka = new Kafka({ clientId: 'scoran-health', brokers: this.config.kafkaBrokers, connectionTimeout: 2000, requestTimeout: 2000, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
        const admin = kafka.admin();
        try {
          await admin.connect();
          const cluster = await admin.describeCluster();
          return { brokers: cluster.brokers.length, controller: cluster.controller };
        } catch (error) {
          this.logger.warn({ msg: 'kafka readiness check failed', error: (error as Error).message });
          throw error;
        } finally {
          await admin.disconnect().catch(() => undefined);
        }
      })
      .withTimeout(3000)
      .cacheFor(5000);
  }

  get kafkaConfigured(): boolean {
    return this.config.kafkaBrokers.length > 0;
  }
}
