import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { ProvenanceController } from './provenance.controller.js';

/** Provenance: the document's section and words behind each recorded fact, for auditors. */
@Module({ controllers: [ProvenanceController] })
export class ProvenanceModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(ProvenanceModule, tracker);
  }
}
