import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { ExportsController } from './exports.controller.js';
import { OpenDataCatalogFacts, OpenDataExports } from './open-data.service.js';

@Module({ controllers: [ExportsController], providers: [OpenDataExports, OpenDataCatalogFacts] })
export class ExportsModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(ExportsModule, tracker);
  }
}
