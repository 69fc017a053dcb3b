import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { AssessmentController } from './assessment.controller.js';

/** The assessment of a roadmap version (json, md, html, odt, docx, pdf), computed from the read models. */
@Module({ controllers: [AssessmentController] })
export class AssessmentModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(AssessmentModule, tracker);
  }
}
