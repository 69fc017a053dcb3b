import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '#config';
import type { TrackerStart } from '#tracker';
import { AssessmentModule } from './assessment/assessment.module.js';
import { AuthGuard } from './auth/auth.guard.js';
import { TokensController } from './auth/tokens.controller.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { EventStreamModule } from './events/event-stream.module.js';
import { EventsController } from './events/events.controller.js';
import { ExportsModule } from './exports/exports.module.js';
import { HealthController } from './health/health.controller.js';
import { ReadinessIndicators } from './health/readiness.indicators.js';
import { HistoryModule } from './history/history.module.js';
import { ReportingModule } from './reporting/reporting.module.js';
import { ProblemFilter } from './http/exception.filter.js';
import { LogPositionTags } from './http/cache-headers.js';
import { HttpHooks } from './http/http-hooks.provider.js';
import { StrictValidationPipe } from './http/validation.pipe.js';
import { TrackerModule, type StartupHook } from './infrastructure/tracker.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ProvenanceModule } from './provenance/provenance.module.js';
import { RoadmapsModule } from './roadmaps/roadmaps.module.js';
import { SheetsModule } from './sheets/sheets.module.js';
import { VersionsModule } from './versions/versions.module.js';

/** The HTTP application: one tracker core, the feature modules over it, and what every request goes through. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, hooks: StartupHook[] = [], started?: TrackerStart): DynamicModule {
    const tracker = TrackerModule.forRoot(config, hooks, started);
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        TerminusModule.forRoot({ logger: false }),
        tracker,
        SheetsModule.forTracker(tracker),
        RoadmapsModule.forTracker(tracker),
        HistoryModule.forTracker(tracker),
        VersionsModule.forTracker(tracker),
        AssessmentModule.forTracker(tracker),
        MetricsModule.forTracker(tracker),
        ExportsModule.forTracker(tracker),
        DashboardModule.forTracker(tracker),
        EventStreamModule.forTracker(tracker),
        ReportingModule.forTracker(tracker),
        ProvenanceModule.forTracker(tracker),
      ],
      controllers: [HealthController, EventsController, TokensController],
      providers: [
        ReadinessIndicators,
        HttpHooks,
        // In this order, as when the tags were an interceptor: a refused token is answered before any 304.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: LogPositionTags },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useClass: StrictValidationPipe },
      ],
    };
  }
}
