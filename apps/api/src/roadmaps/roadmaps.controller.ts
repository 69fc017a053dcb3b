import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { ENJEUX, QUALIFIERS, TEXT_LIMITS, VERSION_LABEL, type Qualifier } from '#domain';
import { IsNonBlank, IsQualifier, IsSlug } from '../http/validators.js';
import type { CommandOutcome, RoadmapCommandInput } from '#application';
import { EnjeuRollupReadModel, GovernanceReadModel } from '#projections';
import { Allow } from '../auth/access.decorator.js';
import { commandMetadata } from '../http/command-metadata.js';
import { CommandOrigin } from '../http/request-ids.decorator.js';
import { RollupQuery } from './rollup-query.dto.js';
import { IsDatedLabel, IsPeriod } from '../http/validators.js';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { parseTimeTravel } from '../sheets/queries/sheet-queries.service.js';
import { ExecuteRoadmapCommand } from './execute-roadmap-command.js';

export class RegionDto {
  @ApiProperty({ example: '24' }) @Matches(/^\d{2,3}$/) code!: string;
  @ApiProperty({ example: 'Centre-Val de Loire' }) @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.regionName) name!: string;
}
export class EnjeuDto {
  @ApiProperty({ enum: ENJEUX }) @IsIn(ENJEUX as unknown as string[]) enjeuId!: (typeof ENJEUX)[number];
  @ApiProperty({ example: 1 }) @IsInt() @Min(1) @Max(9) number!: number;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.enjeuTitle) title!: string;
}
export class CreateRoadmapDto {
  @ApiProperty({ example: 'scoran-centre-val-de-loire' }) @IsSlug() roadmapId!: string;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.roadmapTitle) title!: string;
  @ApiProperty({ type: RegionDto }) @IsObject() @ValidateNested() @Type(() => RegionDto) region!: RegionDto;
  @ApiProperty({ type: [EnjeuDto] }) @IsArray() @ArrayMaxSize(4) @ValidateNested({ each: true }) @Type(() => EnjeuDto) enjeux!: EnjeuDto[];
}

export class DraftVersionDto {
  @ApiProperty({ example: 'V5' }) @Matches(VERSION_LABEL) version!: string;
  @ApiPropertyOptional({ example: 'V4', description: 'the latest adopted version; omitted only for the first version' }) @IsOptional() @Matches(VERSION_LABEL) basedOn?: string;
  @ApiPropertyOptional({ example: '2024-05-02', nullable: true, description: 'as precise as known (2010, 2019-03, a day); null when unknown; absent: today' })
  @IsOptional() @IsDatedLabel() draftedOn?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.facts) facts?: string;
}

export class SupersedeVersionDto {
  @ApiProperty({ example: 'V6', description: 'the later version that replaced this draft' }) @Matches(VERSION_LABEL) by!: string;
  @ApiPropertyOptional({ example: '2025', nullable: true, description: 'when, as precise as known; absent or null when the sources do not say' })
  @IsOptional() @IsDatedLabel() on?: string | null;
}

/** How many sheets the sources say the version had, as printed: "une trentaine" is { value: 30, qualifier: about }. */
export class SheetCountDto {
  @ApiProperty({ example: 30 }) @IsInt() @Min(0) @Max(10000) value!: number;
  @ApiProperty({ enum: QUALIFIERS, example: 'about' }) @IsQualifier() qualifier!: Qualifier;
}

export class AdoptVersionDto {
  @ApiProperty({ example: '2026-06-30', description: 'a day, or a month/year when only that is known' }) @IsPeriod() adoptedOn!: string;
  @ApiPropertyOptional({ example: 'Commission régionale stratégie numérique (CRSN)' }) @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.adoptedBy) adoptedBy?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.facts) facts?: string;
  @ApiPropertyOptional({ type: SheetCountDto, description: 'the number of sheets the sources give the version, as printed' }) @IsOptional() @ValidateNested() @Type(() => SheetCountDto) sheetCount?: SheetCountDto;
}

@ApiTags('roadmaps')
@Controller('api/roadmaps')
export class RoadmapsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModels: ReadModels,
    @Inject(EnjeuRollupReadModel) private readonly enjeuRollup: EnjeuRollupReadModel,
    @Inject(GovernanceReadModel) private readonly governance: GovernanceReadModel,
  ) {}

  @Post()
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  create(@Body() dto: CreateRoadmapDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, dto.roadmapId, { type: 'CreateRoadmap', data: { roadmapId: dto.roadmapId, title: dto.title, region: { code: dto.region.code, name: dto.region.name }, enjeux: dto.enjeux.map((e) => ({ enjeuId: e.enjeuId, number: e.number, title: e.title })) } });
  }

  @Get()
  list() {
    return this.readModels.roadmaps();
  }

  @Get(':roadmapId')
  get(@Param('roadmapId') roadmapId: string) {
    // Each version's governance facts (GET …/governance has them with time travel).
    return { ...this.readModels.roadmap(roadmapId), governance: this.governance.byVersion(roadmapId) };
  }

  @Get(':roadmapId/rollup')
  rollup(@Param('roadmapId') roadmapId: string, @Query() query: RollupQuery) {
    this.readModels.roadmap(roadmapId);
    const tt = parseTimeTravel({ ...query });
    // In time, the roll-up is folded from the log; otherwise the read model answers.
    if (tt.asOf || tt.knownAt) return this.enjeuRollup.rollup(roadmapId, query.version, tt);
    return this.enjeuRollup.rollup(roadmapId, query.version);
  }

  @Post(':roadmapId/versions')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  draft(@Param('roadmapId') roadmapId: string, @Body() dto: DraftVersionDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, { type: 'DraftVersion', data: { version: dto.version, basedOn: dto.basedOn ?? null, draftedOn: dto.draftedOn, facts: dto.facts ?? null } });
  }

  @Post(':roadmapId/versions/:version/supersede')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  supersede(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Body() dto: SupersedeVersionDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, { type: 'SupersedeVersion', data: { version, by: dto.by, on: dto.on ?? null } });
  }

  @Post(':roadmapId/versions/:version/adopt')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  adopt(@Param('roadmapId') roadmapId: string, @Param('version') version: string, @Body() dto: AdoptVersionDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, { type: 'AdoptVersion', data: { version, adoptedOn: dto.adoptedOn, adoptedBy: dto.adoptedBy ?? null, facts: dto.facts ?? null, ...(dto.sheetCount ? { sheetCount: { value: dto.sheetCount.value, qualifier: dto.sheetCount.qualifier } } : {}) } });
  }

  private write(origin: CommandOrigin, roadmapId: string, input: RoadmapCommandInput): Promise<CommandOutcome> {
    const command = { ...input, metadata: commandMetadata(origin) };
    return this.commandBus.execute(new ExecuteRoadmapCommand(roadmapId, command));
  }
}
