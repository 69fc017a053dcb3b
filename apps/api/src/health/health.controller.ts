import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { ProjectionRunner } from '../../../../libs/projections/src/index.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
  ) {}

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
      projections: { checkpoint: this.runner.checkpoint, lag, statuses: this.runner.statuses(), error: this.runner.error?.message ?? null },
    };
    if (this.runner.error) throw new ServiceUnavailableException({ statusCode: 503, error: 'projection_failed', message: this.runner.error.message, details: body });
    return body;
  }
}
