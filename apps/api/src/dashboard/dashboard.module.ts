import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { SheetQueries } from '../sheets/queries/sheet-queries.service.js';
import { DashboardData } from './dashboard-data.service.js';
import { DashboardController } from './dashboard.controller.js';

@Module({ controllers: [DashboardController], providers: [DashboardData, SheetQueries] })
export class DashboardModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(DashboardModule, tracker);
  }
}
