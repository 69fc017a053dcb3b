import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '#domain';
import { IndicatorSeriesReadModel, SheetsReadModel } from '#projections';
import { readSheetFacts, type SheetFacts } from '#reporting';

/** Everything the reporting endpoints read, in one place (`readSheetFacts`, shared with the CLI). */
@Injectable()
export class ReportingReads {
  constructor(
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly series: IndicatorSeriesReadModel,
  ) {}

  /** The sheets the organisation pilots (any status); 404 when it pilots none. */
  async sheetsOf(organisationId: string): Promise<SheetFacts[]> {
    const out = readSheetFacts(organisationId, { sheets: this.sheets, series: this.series });
    if (out.length === 0) throw notFound('organisation_not_found', `organisation ${organisationId} pilots no sheet`, { organisationId });
    return out;
  }
}
