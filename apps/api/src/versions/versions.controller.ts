import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Principal } from '#auth';
import { invalid, isSlug, type SheetFields } from '#domain';
import type { CommandOutcome } from '#application';
import { Allow, Caller } from '../auth/access.decorator.js';
import { commandMetadata } from '../http/command-metadata.js';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { toIndicatorDefinition, toMilestoneDefinition } from '../sheets/sheets.controller.js';
import { CarryOverDto } from './carry-over.dto.js';
import { VersionsService } from './versions.service.js';

function checkId(name: string, value: string): string {
  if (!isSlug(value)) throw invalid('invalid_id', `${name} must be a kebab-case id`, { field: name });
  return value;
}

@ApiTags('versions')
@Controller('api')
export class VersionsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly versions: VersionsService,
  ) {}

  @Post('sheets/:sheetId/carry-over')
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Carry a sheet over into the draft version, with changes (e.g. a new number) and added indicators or milestones' })
  carryOver(@Param('sheetId') sheetId: string, @Body() dto: CarryOverDto, @Caller() principal: Principal, @Req() req: any): Promise<CommandOutcome> {
    const changes = Object.fromEntries(Object.entries(dto.changes ?? {}).filter(([, v]) => v !== undefined)) as Partial<SheetFields>;
    return this.commandBus.execute(new ExecuteSheetCommand(checkId('sheetId', sheetId), {
      type: 'CarryOverSheet',
      data: {
        toVersion: dto.toVersion, changes,
        addedIndicators: (dto.addedIndicators ?? []).map(toIndicatorDefinition), addedMilestones: (dto.addedMilestones ?? []).map(toMilestoneDefinition),
      },
      metadata: commandMetadata(req, principal),
    }, principal));
  }

  @Get('sheets/:sheetId/lineage')
  @ApiOperation({ summary: 'The sheet across versions: its number in each, what changed at each carry-over, what it continues and what continues it' })
  lineage(@Param('sheetId') sheetId: string): Promise<unknown> {
    return this.versions.lineage(checkId('sheetId', sheetId));
  }

  @Get('roadmaps/:roadmapId/diff')
  @ApiOperation({ summary: 'Sheets added, carried over (with field-level changes) and retired (with reasons) between two versions' })
  @ApiQuery({ name: 'from', example: 'V3' }) @ApiQuery({ name: 'to', example: 'V4' })
  diff(@Param('roadmapId') roadmapId: string, @Query('from') from?: string, @Query('to') to?: string): Promise<unknown> {
    return this.versions.diff(roadmapId, from, to);
  }
}
