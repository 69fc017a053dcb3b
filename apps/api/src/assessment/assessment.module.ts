import { Inject, Module, type DynamicModule, type OnModuleDestroy } from '@nestjs/common';
import { AssessmentDocumentThread } from '#assessment';
import type { AppConfig } from '#config';
import { overTracker } from '../infrastructure/tracker.module.js';
import { APP_CONFIG } from '../infrastructure/tokens.js';
import { AssessmentController } from './assessment.controller.js';

/**
 * The assessment of a roadmap version (json, md, html, odt, docx, pdf), computed from the read models;
 * its files rendered on a thread of their own (AssessmentDocumentThread, ASSESSMENT_THREAD_IDLE_MS).
 */
@Module({
  controllers: [AssessmentController],
  providers: [{
    provide: AssessmentDocumentThread,
    useFactory: (config: AppConfig) => new AssessmentDocumentThread({ idleMs: config.assessmentThreadIdleMs }),
    inject: [APP_CONFIG],
  }],
})
export class AssessmentModule implements OnModuleDestroy {
  constructor(@Inject(AssessmentDocumentThread) private readonly documents: AssessmentDocumentThread) {}

  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(AssessmentModule, tracker);
  }

  async onModuleDestroy(): Promise<void> {
    await this.documents.close();
  }
}
