import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { Allow } from '../auth/access.decorator.js';
import { TrackerMetrics } from './tracker-metrics.service.js';

/** Prometheus scrape endpoint. Public like /health: it holds counts, never identities or data. */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(@Inject(TrackerMetrics) private readonly metrics: TrackerMetrics) {}

  @Get('metrics')
  @Allow('public')
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.exposition();
  }
}
