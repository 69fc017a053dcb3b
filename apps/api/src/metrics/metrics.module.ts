import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { MetricsController } from './metrics.controller.js';
import { TrackerMetrics } from './tracker-metrics.service.js';

@Module({ controllers: [MetricsController], providers: [TrackerMetrics], exports: [TrackerMetrics] })
export class MetricsModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(MetricsModule, tracker);
  }
}
