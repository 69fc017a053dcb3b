import { Module, type DynamicModule } from '@nestjs/common';
import { HistoryModule } from '../history/history.module.js';
import { overTracker } from '../infrastructure/tracker.module.js';
import { ExecuteRoadmapCommandHandler } from './execute-roadmap-command.js';
import { FindingsController } from './findings.controller.js';
import { RoadmapsController } from './roadmaps.controller.js';

/** Roadmaps: creation, versions drafted and adopted, the roll-up (from the log when asked in time), data-quality findings and governance. */
@Module({ controllers: [RoadmapsController, FindingsController], providers: [ExecuteRoadmapCommandHandler] })
export class RoadmapsModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(RoadmapsModule, tracker, [HistoryModule.forTracker(tracker)]);
  }
}
