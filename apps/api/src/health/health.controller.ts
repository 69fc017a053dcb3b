import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { EventStore } from '#event-store';
import { ProjectionHost } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { ReadinessIndicators } from './readiness.indicators.js';
import { Uncached } from '../http/cache-headers.js';
import { ApiErrors } from '../http/openapi/api-contract.decorators.js';

@ApiTags('operations')
@Uncached()
@ApiErrors(503)
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionHost) private readonly runner: ProjectionHost,
    @Inject(HealthCheckService) private readonly checks: HealthCheckService,
    @Inject(ReadinessIndicators) private readonly indicators: ReadinessIndicators,
  ) {}

  /** Liveness: the process answers HTTP. Restarting cannot cure a stale store, so nothing else counts here. */
  @Get('health/live')
  @HealthCheck()
  @ApiOperation({ summary: 'Liveness probe' })
  live() {
    return this.run([]);
  }

  /** Readiness: the store answers, the read models are running and close to the head, Kafka answers when configured. */
  @Get('health/ready')
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness probe: event store, projections (lag and errors), Kafka when KAFKA_BROKERS is set' })
  ready() {
    const checks: HealthIndicatorFunction[] = [() => this.indicators.eventStore(), () => this.indicators.projections()];
    if (this.indicators.kafkaConfigured) checks.push(() => this.indicators.kafka());
    return this.run(checks);
  }

  /** Terminus reports failure as a bare 503; keep its per-check details inside the usual error body. */
  private async run(checks: HealthIndicatorFunction[]) {
    try {
      return await this.checks.check(checks);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as { error?: Record<string, unknown> };
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({ statusCode: 503, error: 'not_ready', message: `not ready: ${down.join(', ') || 'unknown'}`, details: result });
    }
  }

  /** Liveness and readiness in one: the store answers and the projections are running. */
  @Get('health')
  async health() {
    let head: number;
    try {
      head = await this.store.headPosition();
    } catch (error) {
      throw new ServiceUnavailableException({ statusCode: 503, error: 'store_unavailable', message: `event store: ${(error as Error).message}` });
    }
    const lag = head - this.runner.checkpoint;
    const body = {
      status: this.runner.error ? 'error' : 'ok',
      store: { name: this.store.name, head },
      projections: { thread: this.runner.thread, checkpoint: this.runner.checkpoint, lag, statuses: this.runner.statuses(), error: this.runner.error?.message ?? null },
    };
    if (this.runner.error) throw new ServiceUnavailableException({ statusCode: 503, error: 'projection_failed', message: this.runner.error.message, details: body });
    return body;
  }
}
