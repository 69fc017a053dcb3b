import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '#application';
import type { Principal } from '#auth';
import type { AppConfig } from '#config';
import { dayOf, DomainError } from '#domain';
import {
  dueCalendar, dueItems, reportingLag, ReportFileRefused, templateCsvTable, templateRows, writeTemplateXlsx, DEFAULT_IMPORT_LIMITS,
} from '#reporting';
import { Allow, Caller } from '../auth/access.decorator.js';
import { toCsv } from '../exports/csv-writer.js';
import { commandMetadata } from '../http/command-metadata.js';
import { CommandOrigin } from '../http/request-ids.decorator.js';
import { SlugPipe } from '../http/slug.pipe.js';
import { uploadedFile } from '../http/uploaded-file.js';
import { APP_CONFIG } from '../infrastructure/tokens.js';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { ReportImport, type ImportAnswer } from './report-import.service.js';
import { DueQuery, ImportQuery } from './reporting-query.dto.js';
import { ReportingReads } from './reporting-reads.service.js';
import { SetFrequencyDto } from './set-frequency.dto.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A pilot acts for its own organisation only; the secretariat for any. */
function assertActsFor(principal: Principal, organisationId: string): void {
  if (principal.role === 'pilot' && principal.organisationId !== organisationId) {
    throw new DomainError('not_your_organisation', `a pilot of ${principal.organisationId ?? '(none)'} cannot act for organisation ${organisationId}`, 'forbidden', { organisationId });
  }
}

const today = () => dayOf(new Date().toISOString());

/** The refusal of a whole file, in the API's problem shape. */
const refusedFile = (e: ReportFileRefused) => new HttpException({ statusCode: e.status, error: e.code, message: e.message, details: e.details }, e.status);

/** Reporting from a spreadsheet, and what is due: per pilot organisation. */
@ApiTags('reporting')
@Controller('api/organisations/:organisationId')
export class OrganisationReportingController {
  constructor(
    @Inject(ReportingReads) private readonly reads: ReportingReads,
    @Inject(ReportImport) private readonly imports: ReportImport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('report-template.xlsx')
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth() @ApiProduces(XLSX_TYPE)
  @ApiOperation({ summary: 'The reporting template to fill: one row per indicator and scope of the sheets the organisation pilots' })
  async templateXlsx(@Param('organisationId', SlugPipe) org: string, @Caller() caller: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    assertActsFor(caller, org);
    const rows = templateRows(await this.reads.sheetsOf(org));
    void reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="saisie-${org}.xlsx"`);
    return writeTemplateXlsx(rows, { organisationId: org });
  }

  @Get('report-template.csv')
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth() @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The reporting template as CSV (UTF-8 with BOM, comma-separated, the ids in the last columns)' })
  async templateCsv(@Param('organisationId', SlugPipe) org: string, @Caller() caller: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    assertActsFor(caller, org);
    const { columns, records } = templateCsvTable(templateRows(await this.reads.sheetsOf(org)));
    void reply.header('content-type', 'text/csv; charset=utf-8; header=present').header('content-disposition', `attachment; filename="saisie-${org}.csv"`);
    // The BOM makes spreadsheet programs read the file as UTF-8 (accents in titles).
    return `\ufeff${toCsv(columns, records)}`;
  }

  @Post('reports/import')
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth() @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], additionalProperties: false, properties: { file: { type: 'string', format: 'binary', minLength: 1, description: 'the filled template, .xlsx or .csv; an empty file is refused 400 `empty_file`; any other field 400 `unexpected_field`' } } } })
  @ApiOperation({ summary: 'Import a filled template (.xlsx or .csv, multipart field "file"): every row\'s outcome; ?dryRun=true writes nothing' })
  async import(
    @Param('organisationId', SlugPipe) org: string, @Query() query: ImportQuery, @CommandOrigin() origin: CommandOrigin,
    @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportAnswer> {
    const caller = origin.principal;
    assertActsFor(caller, org);
    const dryRun = query.dryRun === 'true';
    const { bytes, filename } = await uploadedFile(req);
    let answer: ImportAnswer;
    try {
      answer = await this.imports.run({ organisationId: org, bytes, filename, principal: caller, dryRun, limits: { ...DEFAULT_IMPORT_LIMITS, maxRows: this.config.importMaxRows }, metadata: { ...commandMetadata(origin), source: 'import' } });
    } catch (error) {
      if (error instanceof ReportFileRefused) throw refusedFile(error);
      throw error;
    }
    const s = answer.summary;
    if (!dryRun && s.refused + s.failed > 0 && s.written + s.already_recorded === 0) {
      throw new HttpException({ statusCode: 422, error: 'no_row_imported', message: `no row of the file could be imported: ${s.refused} refused`, details: answer }, 422);
    }
    void reply.status(!dryRun && s.written > 0 ? 201 : 200);
    return answer;
  }

  @Get('due')
  @ApiOperation({ summary: 'What the organisation has due: next indicator values by frequency, milestones not reached; daysLate > 0 is late' })
  async due(@Param('organisationId', SlugPipe) org: string, @Query() { overdue }: DueQuery): Promise<unknown> {
    const sheets = await this.reads.sheetsOf(org);
    const on = today();
    const items = dueItems(sheets, on);
    return { organisationId: org, today: on, items: overdue ? items.filter((i) => i.daysLate > 0) : items };
  }

  @Get('due.ics')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: 'The same due dates as an iCalendar feed (RFC 5545), one all-day event each, for a calendar to subscribe to' })
  async dueIcs(@Param('organisationId', SlugPipe) org: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const sheets = await this.reads.sheetsOf(org);
    void reply.header('content-type', 'text/calendar; charset=utf-8').header('content-disposition', `inline; filename="echeances-${org}.ics"`);
    return dueCalendar(org, dueItems(sheets, today()), new Date());
  }

  @Get('reporting-lag')
  @ApiOperation({ summary: 'Delay from valid time (observedOn) to record time (recordedAt) of the organisation\'s reports: median, p90, share on time' })
  async lag(@Param('organisationId', SlugPipe) org: string): Promise<unknown> {
    return { organisationId: org, ...reportingLag(await this.reads.sheetsOf(org)) };
  }
}

@ApiTags('reporting')
@Controller('api/sheets/:sheetId/indicators/:indicatorId/frequency')
export class IndicatorFrequencyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put()
  @HttpCode(201)
  @Allow(['admin'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Set how often an indicator is to be reported: monthly, quarterly, yearly, once, or null (secretariat)' })
  set(@Param('sheetId', SlugPipe) sheetId: string, @Param('indicatorId', SlugPipe) indicatorId: string, @Body() dto: SetFrequencyDto, @CommandOrigin() origin: CommandOrigin): Promise<CommandOutcome> {
    const command = { type: 'SetIndicatorFrequency' as const, data: { indicatorId, frequency: dto.frequency }, metadata: commandMetadata(origin) };
    return this.commandBus.execute(new ExecuteSheetCommand(sheetId, command, origin.principal));
  }
}
