import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { VersionsController } from './versions.controller.js';
import { VersionsService } from './versions.service.js';

/** Roadmap versions as events: carry-over, a sheet's lineage, the difference between two versions. */
@Module({ controllers: [VersionsController], providers: [VersionsService] })
export class VersionsModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(VersionsModule, tracker);
  }
}
