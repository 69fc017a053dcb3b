import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SheetFields } from '#domain';
import { Allow } from '../auth/access.decorator.js';
import { CommandOrigin } from '../http/request-ids.decorator.js';
import { SlugPipe } from '../http/slug.pipe.js';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { commandMetadata } from '../http/command-metadata.js';
import type { CommandOutcome } from '#application';
import { toIndicatorDefinition, toMilestoneDefinition } from '../sheets/sheets.controller.js';
import { CarryOverDto } from './carry-over.dto.js';
import { DiffQuery } from './diff-query.dto.js';
import { VersionsService } from './versions.service.js';

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
  carryOver(@Param('sheetId', SlugPipe) sheetId: string, @Body() dto: CarryOverDto, @CommandOrigin() origin: CommandOrigin): Promise<CommandOutcome> {
    const changes = Object.fromEntries(Object.entries(dto.changes ?? {}).filter(([, v]) => v !== undefined)) as Partial<SheetFields>;
    return this.commandBus.execute(new ExecuteSheetCommand(sheetId, {
      type: 'CarryOverSheet',
      data: {
        toVersion: dto.toVersion, changes,
        addedIndicators: (dto.addedIndicators ?? []).map(toIndicatorDefinition), addedMilestones: (dto.addedMilestones ?? []).map(toMilestoneDefinition),
      },
      metadata: commandMetadata(origin),
    }, origin.principal));
  }

  @Get('sheets/:sheetId/lineage')
  @ApiOperation({ summary: 'The sheet across versions: its number in each, what changed at each carry-over, what it continues and what continues it' })
  lineage(@Param('sheetId', SlugPipe) sheetId: string): Promise<unknown> {
    return this.versions.lineage(sheetId);
  }

  @Get('roadmaps/:roadmapId/diff')
  @ApiOperation({ summary: 'Sheets added, carried over (with field-level changes) and retired (with reasons) between two versions' })
  diff(@Param('roadmapId') roadmapId: string, @Query() { from, to }: DiffQuery): Promise<unknown> {
    return this.versions.diff(roadmapId, from, to);
  }
}
