import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { RoadmapCommands } from '../../../../libs/application/src/index.js';
import type { Principal } from '../../../../libs/auth/src/index.js';
import { ProjectionRunner } from '../../../../libs/projections/src/index.js';
import { actorOf, Allow, Caller } from '../auth/access.decorator.js';
import { IsCalendarDate, IsPeriod } from '../http/validators.js';
import { ReadModels } from '../infrastructure/read-models.service.js';

export class DraftVersionDto {
  @ApiProperty({ example: 'V5' }) @Matches(/^V\d{1,3}$/) version!: string;
  @ApiProperty({ example: 'V4' }) @Matches(/^V\d{1,3}$/) basedOn!: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() draftedOn?: string;
}

export class AdoptVersionDto {
  @ApiProperty({ example: '2026-06-30', description: 'a day, or a month/year when only that is known' }) @IsPeriod() adoptedOn!: string;
  @ApiPropertyOptional({ example: 'Commission régionale stratégie numérique (CRSN)' }) @IsOptional() @IsString() @MaxLength(300) adoptedBy?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(5000) facts?: string;
}

@ApiTags('roadmaps')
@Controller('api/roadmaps')
export class RoadmapsController {
  constructor(
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    private readonly readModels: ReadModels,
  ) {}

  @Get()
  list() {
    return this.readModels.roadmaps();
  }

  @Get(':roadmapId')
  get(@Param('roadmapId') roadmapId: string) {
    return this.readModels.roadmap(roadmapId);
  }

  @Get(':roadmapId/rollup')
  rollup(@Param('roadmapId') roadmapId: string, @Query('version') version?: string) {
    this.readModels.roadmap(roadmapId);
    return this.readModels.rollup(roadmapId, version);
  }

  @Post(':roadmapId/versions')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  async draft(@Param('roadmapId') roadmapId: string, @Body() dto: DraftVersionDto, @Caller() p: Principal, @Req() req: any) {
    const outcome = await this.commands.onRoadmap(roadmapId, { type: 'DraftVersion', data: { version: dto.version, basedOn: dto.basedOn, draftedOn: dto.draftedOn } }, this.ctx(p, req));
    await this.runner.waitFor(outcome.position);
    return { eventIds: outcome.eventIds, revision: outcome.revision, position: outcome.position };
  }

  @Post(':roadmapId/versions/:version/adopt')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  async adopt(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Body() dto: AdoptVersionDto, @Caller() p: Principal, @Req() req: any) {
    const outcome = await this.commands.onRoadmap(roadmapId, { type: 'AdoptVersion', data: { version, adoptedOn: dto.adoptedOn, adoptedBy: dto.adoptedBy ?? null, facts: dto.facts ?? null } }, this.ctx(p, req));
    await this.runner.waitFor(outcome.position);
    return { eventIds: outcome.eventIds, revision: outcome.revision, position: outcome.position };
  }

  private ctx(p: Principal, req: any) {
    const header = req.headers['x-correlation-id'];
    return { actor: actorOf(p), correlationId: typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID(), source: 'api' };
  }
}
