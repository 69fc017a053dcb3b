import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#auth';
import { timeOrderedId } from '#event-store';
import { isSlug, invalid, type SheetFields } from '#domain';
import { assertPilotOf, type CommandOutcome, type SheetCommandInput } from '#application';
import { Allow, Caller } from '../auth/access.decorator.js';
import { commandMetadata } from '../http/command-metadata.js';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { ExecuteSheetCommand } from './commands/execute-sheet-command.js';
import {
  AbandonDto, CompleteDto, CorrectReportDto, CreateSheetDto, IndicatorDto, MilestoneDto, ReachMilestoneDto, ReportIndicatorDto,
  RescheduleMilestoneDto, RetireSheetDto, ReviseSheetDto, SetTargetDto,
} from './dto/sheet-write.dto.js';
import { SheetQueries } from './queries/sheet-queries.service.js';


/** A stable id from a title: lower case, accents removed, words joined by dashes. */
export function slugify(title: string): string {
  return title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80).replace(/-+$/, '');
}

function checkId(name: string, value: string): string {
  if (!isSlug(value)) throw invalid('invalid_id', `${name} must be a kebab-case id`, { field: name });
  return value;
}

export function toIndicatorDefinition(i: IndicatorDto) {
  return { indicatorId: i.indicatorId, name: i.name, unit: i.unit, targets: [...(i.targets ?? []), ...(i.target ? [i.target] : [])].map((t) => ({ value: t.value, by: t.by, label: t.label ?? null })) };
}
export const toMilestoneDefinition = (m: MilestoneDto) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due });

@ApiTags('sheets')
@Controller('api/sheets')
export class SheetsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readModels: ReadModels,
    private readonly queries: SheetQueries,
  ) {}

  private write(req: any, principal: Principal, sheetId: string, input: SheetCommandInput): Promise<CommandOutcome> {
    const command = { ...input, metadata: commandMetadata(req, principal) };
    return this.commandBus.execute(new ExecuteSheetCommand(checkId('sheetId', sheetId), command, principal));
  }

  @Post()
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a sheet in a roadmap version (secretariat)' })
  async create(@Body() dto: CreateSheetDto, @Caller() principal: Principal, @Req() req: any): Promise<CommandOutcome & { sheetId: string }> {
    const sheetId = dto.sheetId ?? slugify(dto.title);
    if (!isSlug(sheetId)) throw invalid('invalid_id', 'no usable sheetId could be derived from the title: give one', { field: 'sheetId' });
    const result = await this.write(req, principal, sheetId, {
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
  @ApiQuery({ name: 'version', required: false }) @ApiQuery({ name: 'enjeu', required: false }) @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'pilot', required: false }) @ApiQuery({ name: 'roadmapId', required: false }) @ApiQuery({ name: 'asOf', required: false }) @ApiQuery({ name: 'knownAt', required: false })
  async list(@Query() query: Record<string, string>): Promise<unknown> {
    return this.queries.list(query);
  }

  @Get(':sheetId')
  @ApiOperation({ summary: 'A sheet: pilots, indicators with latest values against targets, milestones, status; asOf/knownAt for time travel' })
  @ApiQuery({ name: 'asOf', required: false }) @ApiQuery({ name: 'knownAt', required: false })
  async get(@Param('sheetId') sheetId: string, @Query() query: Record<string, string>): Promise<unknown> {
    return this.queries.sheet(checkId('sheetId', sheetId), query);
  }

  @Get(':sheetId/history')
  @Allow(['admin', 'auditor', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of the sheet with actor, record time, correlation and what it changed (admin, auditor, the sheet\'s pilots)' })
  async history(@Param('sheetId') sheetId: string, @Caller() caller: Principal): Promise<unknown> {
    checkId('sheetId', sheetId);
    if (caller.role === 'pilot') assertPilotOf(caller, sheetId, this.readModels.getSheet(sheetId).pilots);
    return this.queries.history(sheetId);
  }

  @Get(':sheetId/indicators/:indicatorId/series')
  @ApiOperation({ summary: 'Reported values in valid-time order; territory filter, region aggregation, asOf/knownAt' })
  @ApiQuery({ name: 'territory', required: false }) @ApiQuery({ name: 'aggregate', required: false, enum: ['region'] })
  @ApiQuery({ name: 'asOf', required: false }) @ApiQuery({ name: 'knownAt', required: false })
  async series(@Param('sheetId') sheetId: string, @Param('indicatorId') indicatorId: string, @Query() query: Record<string, string>): Promise<unknown> {
    return this.queries.series(checkId('sheetId', sheetId), checkId('indicatorId', indicatorId), query);
  }

  @Post(':sheetId/indicators/:indicatorId/reports')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Report an indicator value (pilot of the sheet)' })
  report(@Param('sheetId') sheetId: string, @Param('indicatorId') indicatorId: string, @Body() dto: ReportIndicatorDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, {
      type: 'ReportIndicator',
      data: { indicatorId: checkId('indicatorId', indicatorId), reportId: timeOrderedId(), value: dto.value, observedOn: dto.observedOn, territory: dto.territory ?? null, source: dto.source ?? null, comment: dto.comment ?? null },
    });
  }

  @Post(':sheetId/indicators/:indicatorId/reports/:reportId/corrections')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Correct a reported value (a new event; the original stays in history)' })
  correct(@Param('sheetId') sheetId: string, @Param('indicatorId') indicatorId: string, @Param('reportId') reportId: string, @Body() dto: CorrectReportDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'CorrectIndicatorReport', data: { indicatorId: checkId('indicatorId', indicatorId), reportId, value: dto.value, observedOn: dto.observedOn, reason: dto.reason } });
  }

  @Post(':sheetId/indicators/:indicatorId/targets')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  setTarget(@Param('sheetId') sheetId: string, @Param('indicatorId') indicatorId: string, @Body() dto: SetTargetDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'SetIndicatorTarget', data: { indicatorId: checkId('indicatorId', indicatorId), target: { value: dto.value, by: dto.by, label: dto.label ?? null } } });
  }

  @Post(':sheetId/indicators')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  addIndicator(@Param('sheetId') sheetId: string, @Body() dto: IndicatorDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'AddIndicator', data: { indicator: toIndicatorDefinition(dto) } });
  }

  @Post(':sheetId/milestones')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  addMilestone(@Param('sheetId') sheetId: string, @Body() dto: MilestoneDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'AddMilestone', data: { milestone: toMilestoneDefinition(dto) } });
  }

  @Post(':sheetId/milestones/:milestoneId/reached')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Record that a milestone was reached (once)' })
  reach(@Param('sheetId') sheetId: string, @Param('milestoneId') milestoneId: string, @Body() dto: ReachMilestoneDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'ReachMilestone', data: { milestoneId: checkId('milestoneId', milestoneId), reachedOn: dto.reachedOn, evidence: dto.evidence ?? null } });
  }

  @Post(':sheetId/milestones/:milestoneId/reschedule')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  reschedule(@Param('sheetId') sheetId: string, @Param('milestoneId') milestoneId: string, @Body() dto: RescheduleMilestoneDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'RescheduleMilestone', data: { milestoneId: checkId('milestoneId', milestoneId), due: dto.due, reason: dto.reason ?? null } });
  }

  @Post(':sheetId/abandon')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Abandon the sheet, with a reason code and an explanation' })
  abandon(@Param('sheetId') sheetId: string, @Body() dto: AbandonDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'AbandonProject', data: { reason: dto.reason, explanation: dto.explanation, effectiveOn: dto.effectiveOn } });
  }

  @Post(':sheetId/complete')
  @HttpCode(201)
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth()
  complete(@Param('sheetId') sheetId: string, @Body() dto: CompleteDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'CompleteProject', data: { completedOn: dto.completedOn, summary: dto.summary ?? null } });
  }

  @Post(':sheetId/revise')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  revise(@Param('sheetId') sheetId: string, @Body() dto: ReviseSheetDto, @Caller() p: Principal, @Req() req: any) {
    const { reason, ...fields } = dto;
    // Only the fields the client sent: a DTO instance also carries its undeclared ones as undefined.
    const changes = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<SheetFields>;
    return this.write(req, p, sheetId, { type: 'ReviseSheet', data: { changes, reason: reason ?? null } });
  }

  @Post(':sheetId/retire')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  retire(@Param('sheetId') sheetId: string, @Body() dto: RetireSheetDto, @Caller() p: Principal, @Req() req: any) {
    return this.write(req, p, sheetId, { type: 'RetireSheet', data: { reason: dto.reason, explanation: dto.explanation, effectiveOn: dto.effectiveOn ?? null, mergedInto: dto.mergedInto ?? null } });
  }
}
