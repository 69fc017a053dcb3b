import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#auth';
import { timeOrderedId } from '#event-store';
import { isSlug, invalid, type SheetFields } from '#domain';
import { assertPilotOf, type CommandOutcome, type SheetCommandInput } from '#application';
import { Allow, Caller } from '../auth/access.decorator.js';
import { CommandOrigin } from '../http/request-ids.decorator.js';
import { ApiErrors } from '../http/openapi/api-contract.decorators.js';
import { SlugPipe } from '../http/slug.pipe.js';
import { commandMetadata } from '../http/command-metadata.js';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { ExecuteSheetCommand } from './commands/execute-sheet-command.js';
import {
  AbandonDto, CompleteDto, CorrectReportDto, CreateSheetDto, IndicatorDto, MilestoneDto, ReachMilestoneDto, ReportIndicatorDto,
  RescheduleMilestoneDto, RetireSheetDto, ReviseSheetDto, SetTargetDto, TargetDto,
} from './dto/sheet-write.dto.js';
import { SeriesQuery, SheetListQuery, SheetQuery } from './dto/sheet-query.dto.js';
import { SheetQueries } from './queries/sheet-queries.service.js';


/** A stable id from a title: lower case, accents removed, words joined by dashes. */
export function slugify(title: string): string {
  return title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

export function toIndicatorDefinition(i: IndicatorDto) {
  return { indicatorId: i.indicatorId, name: i.name, unit: i.unit, targets: [...(i.targets ?? []), ...(i.target ? [i.target] : [])].map(toTargetInput) };
}
export const toMilestoneDefinition = (m: MilestoneDto) => ({
  milestoneId: m.milestoneId, title: m.title, due: m.due, ...(m.uncertain ? { uncertain: true } : {}),
  ...(m.horizon ? { horizon: { duration: m.horizon.duration, from: m.horizon.from, printed: m.horizon.printed } } : {}),
});
/** Only the fields given: the decider fills the rest (no territory, all zones, exact). */
const toTargetInput = (t: TargetDto) => ({
  value: t.value, ...(t.due !== undefined ? { due: t.due } : {}), ...(t.by !== undefined ? { by: t.by } : {}), horizon: t.horizon ?? null,
  territory: t.territory ?? null, zone: t.zone ?? null, qualifier: t.qualifier ?? 'exact', label: t.label ?? null,
});

@ApiTags('sheets')
@Controller('api/sheets')
export class SheetsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModels: ReadModels,
    private readonly queries: SheetQueries,
  ) {}

  private write(origin: CommandOrigin, sheetId: string, input: SheetCommandInput): Promise<CommandOutcome> {
    const command = { ...input, metadata: commandMetadata(origin) };
    return this.commandBus.execute(new ExecuteSheetCommand(sheetId, command, origin.principal));
  }

  @Post()
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a sheet in a roadmap version (secretariat)' })
  async create(@Body() dto: CreateSheetDto, @CommandOrigin() origin: CommandOrigin): Promise<CommandOutcome & { sheetId: string }> {
    const sheetId = dto.sheetId ?? slugify(dto.title);
    if (!isSlug(sheetId)) throw invalid('invalid_id', 'no usable sheetId could be derived from the title: give one', { field: 'sheetId' });
    const result = await this.write(origin, sheetId, {
      type: 'CreateSheet',
      data: {
        sheetId, roadmapId: dto.roadmapId, version: dto.version, number: dto.number, kind: dto.kind, enjeu: dto.enjeu, title: dto.title,
        objective: dto.objective ?? null, theme: dto.theme ?? null, context: dto.context ?? null, objectives: dto.objectives ?? null,
        pilots: dto.pilots, partners: dto.partners ?? [], indicators: dto.indicators.map(toIndicatorDefinition), milestones: dto.milestones.map(toMilestoneDefinition),
      },
    });
    return { sheetId, ...result };
  }

  @Get()
  @ApiOperation({ summary: 'List sheets; with version, the sheets of that version and how each ended there' })
  async list(@Query() query: SheetListQuery): Promise<unknown> {
    return this.queries.list({ ...query });
  }

  @Get(':sheetId')
  // version together with asOf or knownAt: each valid alone, the combination is refused (422).
  @ApiErrors(422)
  @ApiOperation({ summary: 'A sheet: pilots, indicators with latest values against targets, milestones, status; asOf/knownAt for time travel' })
  async get(@Param('sheetId', SlugPipe) sheetId: string, @Query() query: SheetQuery): Promise<unknown> {
    return this.queries.sheet(sheetId, { ...query });
  }

  @Get(':sheetId/history')
  @Allow(['admin', 'auditor', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of the sheet with actor, record time, correlation and what it changed (admin, auditor, the sheet\'s pilots)' })
  async history(@Param('sheetId', SlugPipe) sheetId: string, @Caller() caller: Principal): Promise<unknown> {
    if (caller.role === 'pilot') assertPilotOf(caller, sheetId, this.readModels.getSheet(sheetId).pilots);
    return this.queries.history(sheetId);
  }

  @Get(':sheetId/indicators/:indicatorId/series')
  @ApiOperation({ summary: 'Reported values in valid-time order; territory filter, region aggregation, asOf/knownAt' })
  async series(@Param('sheetId', SlugPipe) sheetId: string, @Param('indicatorId', SlugPipe) indicatorId: string, @Query() query: SeriesQuery): Promise<unknown> {
    return this.queries.series(sheetId, indicatorId, { ...query });
  }

  @Post(':sheetId/indicators/:indicatorId/reports')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Report an indicator value (pilot of the sheet)' })
  report(@Param('sheetId', SlugPipe) sheetId: string, @Param('indicatorId', SlugPipe) indicatorId: string, @Body() dto: ReportIndicatorDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, {
      type: 'ReportIndicator',
      data: {
        indicatorId: indicatorId, reportId: timeOrderedId(), value: dto.value, observedOn: dto.observedOn, observed: dto.observed, qualifier: dto.qualifier,
        territory: dto.territory ?? null, zone: dto.zone ?? null, source: dto.source ?? null, comment: dto.comment ?? null,
      },
    });
  }

  @Post(':sheetId/indicators/:indicatorId/reports/:reportId/corrections')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Correct a reported value (a new event; the original stays in history)' })
  correct(@Param('sheetId', SlugPipe) sheetId: string, @Param('indicatorId', SlugPipe) indicatorId: string, @Param('reportId') reportId: string, @Body() dto: CorrectReportDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'CorrectIndicatorReport', data: { indicatorId: indicatorId, reportId, value: dto.value, observedOn: dto.observedOn, observed: dto.observed, qualifier: dto.qualifier, reason: dto.reason } });
  }

  @Post(':sheetId/indicators/:indicatorId/targets')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  setTarget(@Param('sheetId', SlugPipe) sheetId: string, @Param('indicatorId', SlugPipe) indicatorId: string, @Body() dto: SetTargetDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'SetIndicatorTarget', data: { indicatorId: indicatorId, target: toTargetInput(dto) } });
  }

  @Post(':sheetId/indicators')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  addIndicator(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: IndicatorDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'AddIndicator', data: { indicator: toIndicatorDefinition(dto) } });
  }

  @Post(':sheetId/milestones')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  addMilestone(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: MilestoneDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'AddMilestone', data: { milestone: toMilestoneDefinition(dto) } });
  }

  @Post(':sheetId/milestones/:milestoneId/reached')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Record that a milestone was reached (once)' })
  reach(@Param('sheetId', SlugPipe) sheetId: string, @Param('milestoneId', SlugPipe) milestoneId: string, @Body() dto: ReachMilestoneDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'ReachMilestone', data: { milestoneId: milestoneId, reachedOn: dto.reachedOn, reached: dto.reached, statedOn: dto.statedOn ?? null, evidence: dto.evidence ?? null } });
  }

  @Post(':sheetId/milestones/:milestoneId/reschedule')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  reschedule(@Param('sheetId', SlugPipe) sheetId: string, @Param('milestoneId', SlugPipe) milestoneId: string, @Body() dto: RescheduleMilestoneDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'RescheduleMilestone', data: { milestoneId: milestoneId, due: dto.due, ...(dto.uncertain ? { uncertain: true } : {}), reason: dto.reason ?? null } });
  }

  @Post(':sheetId/abandon')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Abandon the sheet, with a reason code and an explanation' })
  abandon(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: AbandonDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'AbandonProject', data: { reason: dto.reason, explanation: dto.explanation, effectiveOn: dto.effectiveOn } });
  }

  @Post(':sheetId/complete')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  complete(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: CompleteDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'CompleteProject', data: { completedOn: dto.completedOn, summary: dto.summary ?? null } });
  }

  @Post(':sheetId/revise')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  revise(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: ReviseSheetDto, @CommandOrigin() origin: CommandOrigin) {
    const { reason, ...fields } = dto;
    // Only the fields the client sent: a DTO instance also carries its undeclared ones as undefined.
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<SheetFields>;
    return this.write(origin, sheetId, { type: 'ReviseSheet', data: { changes, reason: reason ?? null } });
  }

  @Post(':sheetId/retire')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  retire(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: RetireSheetDto, @CommandOrigin() origin: CommandOrigin) {
    return this.write(origin, sheetId, { type: 'RetireSheet', data: { reason: dto.reason, explanation: dto.explanation, effectiveOn: dto.effectiveOn ?? null, mergedInto: dto.mergedInto ?? null } });
  }
}
