import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CommandOutcome, RoadmapCommandInput } from '#application';
import { DATA_QUALITY_EVENT_TYPES, notFound, roadmapStream } from '#domain';
import type { EventStore } from '#event-store';
import { DataQualityReadModel, GovernanceReadModel } from '#projections';
import { Allow } from '../auth/access.decorator.js';
import { commandMetadata } from '../http/command-metadata.js';
import { CommandOrigin } from '../http/request-ids.decorator.js';
import { SlugPipe } from '../http/slug.pipe.js';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { parseTimeTravel } from '../sheets/queries/sheet-queries.service.js';
import { ExecuteRoadmapCommand } from './execute-roadmap-command.js';
import { DataQualityQuery, DataQualityView, FindingQuery, FindingView, GovernanceQuery, RecordFindingDto, ResolveFindingDto, WithdrawFindingDto } from './findings.dto.js';

/** A roadmap's data-quality findings (recorded, resolved, withdrawn) and its versions' governance. */
@ApiTags('roadmaps')
@Controller('api/roadmaps')
export class FindingsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModels: ReadModels,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
    @Inject(GovernanceReadModel) private readonly governance: GovernanceReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get(':roadmapId/data-quality')
  @ApiOperation({ summary: 'Where the source document disagrees with itself, and any other finding on the data: each with the figures printed and recomputed, what it refers to, its quotes and status; knownAt for what the tracker knew then' })
  @ApiOkResponse({ type: DataQualityView })
  dataQualityList(@Param('roadmapId') roadmapId: string, @Query() query: DataQualityQuery): DataQualityView {
    this.readModels.roadmap(roadmapId);
    const { knownAt } = parseTimeTravel({ knownAt: query.knownAt });
    const findings = this.dataQuality.findings(roadmapId, { knownAt, status: query.status, sheetId: query.sheetId }) as FindingView[];
    // `discrepancies` is the list's former name, where each entry was keyed `id`: kept for existing readers.
    return { roadmapId, knownAt: knownAt ?? null, findings, discrepancies: findings.map((f) => ({ id: f.findingId, ...f })) };
  }

  @Get(':roadmapId/findings/:findingId')
  @ApiOperation({ summary: 'One finding, as known at knownAt when given' })
  @ApiOkResponse({ type: FindingView })
  finding(@Param('roadmapId') roadmapId: string, @Param('findingId', SlugPipe) findingId: string, @Query() query: FindingQuery): FindingView {
    this.readModels.roadmap(roadmapId);
    const { knownAt } = parseTimeTravel({ knownAt: query.knownAt });
    const found = this.dataQuality.get(roadmapId, findingId, { knownAt });
    if (!found) throw notFound('finding_not_found', `no finding ${findingId}${knownAt ? ` known at ${knownAt}` : ''}`, { findingId });
    return found as FindingView;
  }

  @Get(':roadmapId/findings/:findingId/history')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of a finding: recorded, resolved or withdrawn, with actor and record time (admin, auditor)' })
  async findingHistory(@Param('roadmapId') roadmapId: string, @Param('findingId', SlugPipe) findingId: string): Promise<unknown> {
    this.readModels.roadmap(roadmapId);
    const types = new Set<string>(DATA_QUALITY_EVENT_TYPES);
    const events = (await this.store.readStream(roadmapStream(roadmapId))).filter((e) => types.has(e.type) && (e.data as { findingId?: string }).findingId === findingId);
    if (events.length === 0) throw notFound('finding_not_found', `no finding ${findingId}`, { findingId });
    return {
      roadmapId, findingId,
      events: events.map((e) => ({ id: e.id, type: e.type, revision: e.revision, position: e.position, recordedAt: e.metadata.recordedAt, actor: e.metadata.actor, source: e.metadata.source, correlationId: e.metadata.correlationId, data: e.data })),
    };
  }

  @Post(':roadmapId/findings')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Records a finding on the data: what is printed against what is recomputed, what it refers to, where it is printed' })
  record(@Param('roadmapId') roadmapId: string, @Body() dto: RecordFindingDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, {
      type: 'RecordFinding',
      data: {
        findingId: dto.findingId, description: dto.description,
        figures: dto.figures.map((f) => ({ label: f.label, printed: f.printed, recomputed: f.recomputed, ...(f.recomputedAs ? { recomputedAs: f.recomputedAs } : {}) })),
        refersTo: dto.refersTo.map((r) => Object.fromEntries(Object.entries({ sheetId: r.sheetId, indicatorId: r.indicatorId, territory: r.territory, zone: r.zone, section: r.section }).filter(([, v]) => v !== undefined))),
        provenance: (dto.provenance ?? []).map((p) => ({ section: p.section, quote: p.quote })),
      },
    });
  }

  @Post(':roadmapId/findings/:findingId/resolve')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Resolves an open finding: how, and on which day' })
  resolve(@Param('roadmapId') roadmapId: string, @Param('findingId', SlugPipe) findingId: string, @Body() dto: ResolveFindingDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, { type: 'ResolveFinding', data: { findingId, resolution: dto.resolution, ...(dto.on ? { on: dto.on } : {}) } });
  }

  @Post(':roadmapId/findings/:findingId/withdraw')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Withdraws an open finding that was a misreading, with the reason' })
  withdraw(@Param('roadmapId') roadmapId: string, @Param('findingId', SlugPipe) findingId: string, @Body() dto: WithdrawFindingDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, roadmapId, { type: 'WithdrawFinding', data: { findingId, reason: dto.reason } });
  }

  @Get(':roadmapId/governance')
  @ApiOperation({ summary: 'Governance of each version (who is responsible, which body steers, who chairs and is invited, how often it meets), each fact with its quote' })
  governanceOf(@Param('roadmapId') roadmapId: string, @Query() query: GovernanceQuery): unknown {
    this.readModels.roadmap(roadmapId);
    const { knownAt } = parseTimeTravel({ knownAt: query.knownAt });
    const byVersion = this.governance.byVersion(roadmapId, { knownAt });
    if (query.version !== undefined) {
      if (!this.readModels.roadmap(roadmapId).versions.some((v) => v.version === query.version)) throw notFound('version_not_found', `no version ${query.version}`, { version: query.version });
      return { roadmapId, version: query.version, knownAt: knownAt ?? null, facts: byVersion[query.version] ?? [] };
    }
    return { roadmapId, knownAt: knownAt ?? null, governance: byVersion };
  }

  private write(origin: CommandOrigin, roadmapId: string, input: RoadmapCommandInput): Promise<CommandOutcome> {
    return this.commandBus.execute(new ExecuteRoadmapCommand(roadmapId, { ...input, metadata: commandMetadata(origin) }));
  }
}
