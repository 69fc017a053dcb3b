import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Database } from 'better-sqlite3';
import type { FastifyReply } from 'fastify';
import { buildAssessment, loadAssessmentInput, renderAssessment, type AssessmentFormat } from '#assessment';
import { parseVersionLabel } from '#domain';
import { READ_DB } from '../infrastructure/tokens.js';
import { AssessmentQuery } from './assessment-query.dto.js';

const CONTENT_TYPES: Record<AssessmentFormat, string> = {
  json: 'application/json; charset=utf-8', md: 'text/markdown; charset=utf-8', html: 'text/html; charset=utf-8',
};

@ApiTags('assessment')
@Controller('api/roadmaps')
export class AssessmentController {
  constructor(@Inject(READ_DB) private readonly db: Database) {}

  @Get(':roadmapId/versions/:version/assessment')
  @ApiOperation({ summary: 'Assessment of a version over its period: outcome of each sheet per enjeu, milestones on time/late/missed, indicators against targets, what carries over' })
  async assessment(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Query() { format, until }: AssessmentQuery, @Res() reply: FastifyReply): Promise<void> {
    parseVersionLabel(version);
    const model = buildAssessment(loadAssessmentInput(this.db, roadmapId, version, until ?? null));
    await reply.header('content-type', CONTENT_TYPES[format]).send(renderAssessment(model, format));
  }
}
