import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ASSESSMENT_DOCUMENT_FORMATS, ASSESSMENT_MEDIA_TYPES, buildAssessment, loadAssessmentInput, negotiateAssessmentFormat, renderAssessmentDocument } from '#assessment';
import { invalid, parseVersionLabel } from '#domain';
import { DataQualityReadModel, IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel } from '#projections';
import { AssessmentQuery } from './assessment-query.dto.js';

/** Formats a browser shows in place; the office documents are offered for download. */
const INLINE = new Set(['json', 'md', 'html', 'pdf']);

@ApiTags('assessment')
@Controller('api/roadmaps')
export class AssessmentController {
  constructor(
    @Inject(RoadmapsReadModel) private readonly roadmaps: RoadmapsReadModel,
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly series: IndicatorSeriesReadModel,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
  ) {}

  @Get(':roadmapId/versions/:version/assessment')
  @ApiOperation({ summary: 'Assessment of a version over its period: outcome of each sheet per enjeu, milestones on time/late/missed, indicators against targets, what carries over, the findings on the data' })
  @ApiProduces(...Object.values(ASSESSMENT_MEDIA_TYPES))
  async assessment(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Query() { format: asked, until }: AssessmentQuery, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const format = negotiateAssessmentFormat(asked, accept);
    // The query DTO has already refused an unknown `format`; kept so that the negotiation's contract holds on its own.
    if (format === null) throw invalid('invalid_query', `format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}`, { field: 'format' });
    parseVersionLabel(version);
    const model = buildAssessment(loadAssessmentInput({ roadmaps: this.roadmaps, sheets: this.sheets, series: this.series, dataQuality: this.dataQuality }, roadmapId, version, until ?? null));
    const doc = await renderAssessmentDocument(model, format);
    await reply.header('content-type', doc.contentType).header('vary', 'accept')
      .header('content-disposition', `${INLINE.has(format) ? 'inline' : 'attachment'}; filename="${doc.filename}"`).send(doc.body);
  }
}
