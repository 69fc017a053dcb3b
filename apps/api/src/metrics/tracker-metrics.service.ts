import { Inject, Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore } from '#event-store';
import { IndicatorSeriesReadModel, ProjectionHost, SheetsReadModel } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { AppendMetrics } from './append-metrics.js';
import { processRegistry } from './metrics-registry.js';
import { registerReportingLagMetrics } from './reporting-lag-metrics.js';

/** The metrics of one running application: HTTP traffic, appends, projection progress, the pilots' reporting lag. */
@Injectable()
export class TrackerMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'scoran_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'scoran_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(ProjectionHost) private readonly runner: ProjectionHost,
    @Inject(AppendMetrics) appends: AppendMetrics,
    @Inject(SheetsReadModel) sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) series: IndicatorSeriesReadModel,
  ) {
    this.registry.registerMetric(appends.eventsAppended);
    this.registry.registerMetric(appends.appendConflicts);
    const self = this;
    new Gauge({
      name: 'scoran_event_store_head_position',
      help: 'Global position of the last stored event',
      registers: [this.registry],
      async collect() { this.set(await self.store.headPosition()); },
    });
    new Gauge({
      name: 'scoran_projection_lag_events',
      help: 'Events stored but not yet applied to every read model (store head − lowest projection checkpoint)',
      registers: [this.registry],
      async collect() { this.set(Math.max(0, (await self.store.headPosition()) - self.runner.checkpoint)); },
    });
    new Gauge({
      name: 'scoran_projection_checkpoint_position',
      help: 'Checkpoint of each projection',
      labelNames: ['projection'] as const,
      registers: [this.registry],
      collect() { for (const s of self.runner.statuses()) this.set({ projection: s.name }, s.position); },
    });
    new Gauge({
      name: 'scoran_projection_failed',
      help: '1 when the projections stopped on an error (see /health/ready)',
      registers: [this.registry],
      collect() { this.set(self.runner.error ? 1 : 0); },
    });
    registerReportingLagMetrics(this.registry, { sheets, series }, runner);
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
    this.httpDuration.observe({ method, route }, seconds);
  }

  /** The exposition text: this application's metrics, then the process-wide ones. */
  async exposition(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processRegistry.metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
