import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { IndicatorFrequencyController, OrganisationReportingController } from './reporting.controller.js';
import { ReportImport } from './report-import.service.js';
import { ReportingReads } from './reporting-reads.service.js';

/** Pilots report from a spreadsheet and see what is due; the secretariat sets reporting frequencies. */
@Module({ controllers: [OrganisationReportingController, IndicatorFrequencyController], providers: [ReportingReads, ReportImport] })
export class ReportingModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(ReportingModule, tracker);
  }
}
