import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller.js';
import { TrackerMetrics } from './tracker-metrics.service.js';

@Module({ controllers: [MetricsController], providers: [TrackerMetrics], exports: [TrackerMetrics] })
export class MetricsModule {}
