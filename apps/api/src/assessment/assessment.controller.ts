import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ASSESSMENT_FORMATS, buildAssessment, loadAssessmentInput, renderAssessment, type AssessmentFormat } from '#assessment';
import { invalid, isCalendarDate, parseVersionLabel } from '#domain';
import { IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel } from '#projections';

const CONTENT_TYPES: Record<AssessmentFormat, string> = {
  json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8',
};

@ApiTags('assessment')
@Controller('api/roadmaps')
export class AssessmentController {
  constructor(
    @Inject(RoadmapsReadModel) private readonly roadmaps: RoadmapsReadModel,
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly series: IndicatorSeriesReadModel,
  ) {}

  @Get(':roadmapId/versions/:version/assessment')
  @ApiOperation({ summary: 'Assessment of a version over its period: outcome of each sheet per enjeu, milestones on time/late/missed, indicators against targets, what carries over' })
  @ApiQuery({ name: 'format', required: false, enum: ASSESSMENT_FORMATS as unknown as string[] })
  @ApiQuery({ name: 'until', required: false, description: 'closes the period on this day' })
  async assessment(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Query() query: Record<string, string | undefined>, @Res() reply: FastifyReply): Promise<void> {
    const format = (query.format ?? 'json') as AssessmentFormat;
    if (!ASSESSMENT_FORMATS.includes(format)) throw invalid('invalid_query', `format must be one of ${ASSESSMENT_FORMATS.join(', ')}`, { field: 'format' });
    if (query.until !== undefined && !isCalendarDate(query.until)) throw invalid('invalid_date', 'until must be a real calendar date (YYYY-MM-DD)', { field: 'until' });
    parseVersionLabel(version);
    const model = buildAssessment(loadAssessmentInput({ roadmaps: this.roadmaps, sheets: this.sheets, series: this.series }, roadmapId, version, query.until ?? null));
    await reply.header('content-type', CONTENT_TYPES[format]).send(renderAssessment(model, format));
  }
}
