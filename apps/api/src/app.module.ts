import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '#config';
import { AuthGuard } from './auth/auth.guard.js';
import { TokensController } from './auth/tokens.controller.js';
import { EventsController } from './events/events.controller.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessIndicators } from './health/readiness.indicators.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { AssessmentModule } from './assessment/assessment.module.js';
import { HistoryModule } from './history/history.module.js';
import { VersionsModule } from './versions/versions.module.js';
import { ProblemFilter } from './http/exception.filter.js';
import { TrackerModule, type StartupHook } from './infrastructure/tracker.module.js';
import { ExecuteRoadmapCommandHandler } from './roadmaps/execute-roadmap-command.js';
import { RoadmapsController } from './roadmaps/roadmaps.controller.js';
import { ExecuteSheetCommandHandler } from './sheets/commands/execute-sheet-command.js';
import { SheetQueries } from './sheets/queries/sheet-queries.service.js';
import { SheetsController } from './sheets/sheets.controller.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, hooks: StartupHook[] = []): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), TrackerModule.forRoot(config, hooks), HistoryModule, VersionsModule, AssessmentModule, TerminusModule.forRoot({ logger: false }), MetricsModule, ExportsModule, DashboardModule],
      controllers: [HealthController, SheetsController, RoadmapsController, EventsController, TokensController],
      providers: [
        ExecuteSheetCommandHandler,
        ExecuteRoadmapCommandHandler,
        SheetQueries,
        ReadinessIndicators,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
