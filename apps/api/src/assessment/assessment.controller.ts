import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { buildAssessment, loadAssessmentInput, renderAssessment, type AssessmentFormat } from '#assessment';
import { parseVersionLabel } from '#domain';
import { DataQualityReadModel, IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel } from '#projections';
import { AssessmentQuery } from './assessment-query.dto.js';

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
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
  ) {}

  @Get(':roadmapId/versions/:version/assessment')
  @ApiOperation({ summary: 'Assessment of a version over its period: outcome of each sheet per enjeu, milestones on time/late/missed, indicators against targets, what carries over, the findings on the data' })
  async assessment(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Query() { format, until }: AssessmentQuery, @Res() reply: FastifyReply): Promise<void> {
    parseVersionLabel(version);
    const model = buildAssessment(loadAssessmentInput({ roadmaps: this.roadmaps, sheets: this.sheets, series: this.series, dataQuality: this.dataQuality }, roadmapId, version, until ?? null));
    await reply.header('content-type', CONTENT_TYPES[format]).send(renderAssessment(model, format));
  }
}
