import { Body, Controller, Get, HttpCode, HttpException, Inject, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandOutcome } from '#application';
import type { Principal } from '#auth';
import type { AppConfig } from '#config';
import { dayOf, DomainError, invalid, isSlug } from '#domain';
import {
  dueCalendar, dueItems, reportingLag, ReportFileRefused, templateCsvTable, templateRows, writeTemplateXlsx, DEFAULT_IMPORT_LIMITS,
} from '#reporting';
import { Allow, Caller } from '../auth/access.decorator.js';
import { toCsv } from '../exports/csv-writer.js';
import { commandMetadata } from '../http/command-metadata.js';
import { APP_CONFIG } from '../infrastructure/tokens.js';
import { ExecuteSheetCommand } from '../sheets/commands/execute-sheet-command.js';
import { ReportImport, type ImportAnswer } from './report-import.service.js';
import { ReportingReads } from './reporting-reads.service.js';
import { SetFrequencyDto } from './set-frequency.dto.js';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function organisationParam(value: string): string {
  if (!isSlug(value)) throw invalid('invalid_id', 'organisationId must be a kebab-case id', { field: 'organisationId' });
  return value;
}

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
  async templateXlsx(@Param('organisationId') org: string, @Caller() caller: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    assertActsFor(caller, organisationParam(org));
    const rows = templateRows(await this.reads.sheetsOf(org));
    void reply.header('content-type', XLSX_TYPE).header('content-disposition', `attachment; filename="saisie-${org}.xlsx"`);
    return writeTemplateXlsx(rows, { organisationId: org });
  }

  @Get('report-template.csv')
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth() @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The reporting template as CSV (UTF-8 with BOM, comma-separated, the ids in the last columns)' })
  async templateCsv(@Param('organisationId') org: string, @Caller() caller: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    assertActsFor(caller, organisationParam(org));
    const { columns, records } = templateCsvTable(templateRows(await this.reads.sheetsOf(org)));
    void reply.header('content-type', 'text/csv; charset=utf-8; header=present').header('content-disposition', `attachment; filename="saisie-${org}.csv"`);
    // The BOM makes spreadsheet programs read the file as UTF-8 (accents in titles).
    return `\ufeff${toCsv(columns, records)}`;
  }

  @Post('reports/import')
  @Allow(['admin', 'pilot'])
  @ApiBearerAuth() @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'the filled template, .xlsx or .csv' } } } })
  @ApiQuery({ name: 'dryRun', required: false, enum: ['true', 'false'] })
  @ApiOperation({ summary: 'Import a filled template (.xlsx or .csv, multipart field "file"): every row\'s outcome; ?dryRun=true writes nothing' })
  async import(
    @Param('organisationId') org: string, @Query('dryRun') dryRunParam: string | undefined, @Caller() caller: Principal,
    @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportAnswer> {
    assertActsFor(caller, organisationParam(org));
    if (dryRunParam !== undefined && dryRunParam !== 'true' && dryRunParam !== 'false') throw invalid('invalid_query', 'dryRun must be true or false', { field: 'dryRun' });
    const dryRun = dryRunParam === 'true';
    const { bytes, filename } = await uploadedFile(req);
    let answer: ImportAnswer;
    try {
      answer = await this.imports.run({ organisationId: org, bytes, filename, principal: caller, dryRun, limits: { ...DEFAULT_IMPORT_LIMITS, maxRows: this.config.importMaxRows }, metadata: { ...commandMetadata(req, caller), source: 'import' } });
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
  @ApiQuery({ name: 'overdue', required: false, enum: ['true'] })
  async due(@Param('organisationId') org: string, @Query('overdue') overdue: string | undefined): Promise<unknown> {
    if (overdue !== undefined && overdue !== 'true') throw invalid('invalid_query', 'overdue must be true when given', { field: 'overdue' });
    const sheets = await this.reads.sheetsOf(organisationParam(org));
    const on = today();
    const items = dueItems(sheets, on);
    return { organisationId: org, today: on, items: overdue ? items.filter((i) => i.daysLate > 0) : items };
  }

  @Get('due.ics')
  @ApiProduces('text/calendar')
  @ApiOperation({ summary: 'The same due dates as an iCalendar feed (RFC 5545), one all-day event each, for a calendar to subscribe to' })
  async dueIcs(@Param('organisationId') org: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const sheets = await this.reads.sheetsOf(organisationParam(org));
    void reply.header('content-type', 'text/calendar; charset=utf-8').header('content-disposition', `inline; filename="echeances-${org}.ics"`);
    return dueCalendar(org, dueItems(sheets, today()), new Date());
  }

  @Get('reporting-lag')
  @ApiOperation({ summary: 'Delay from valid time (observedOn) to record time (recordedAt) of the organisation\'s reports: median, p90, share on time' })
  async lag(@Param('organisationId') org: string): Promise<unknown> {
    return { organisationId: org, ...reportingLag(await this.reads.sheetsOf(organisationParam(org))) };
  }
}

/** The one file of a multipart request, field `file`; its size is capped by the multipart limits set in bootstrap. */
async function uploadedFile(req: FastifyRequest): Promise<{ bytes: Buffer; filename: string | null }> {
  if (!req.isMultipart()) {
    throw new HttpException({ statusCode: 415, error: 'unsupported_media_type', message: 'send the file as multipart/form-data, in a field named "file"' }, 415);
  }
  const part = await req.file();
  if (!part) throw invalid('missing_file', 'the request holds no file: send it in a field named "file"', { field: 'file' });
  if (part.fieldname !== 'file') throw invalid('missing_file', `the file must be sent in a field named "file", not "${part.fieldname}"`, { field: 'file' });
  const bytes = await part.toBuffer();
  return { bytes, filename: part.filename ? part.filename.replace(/[\r\n]/g, ' ').slice(0, 200) : null };
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
  set(@Param('sheetId') sheetId: string, @Param('indicatorId') indicatorId: string, @Body() dto: SetFrequencyDto, @Caller() p: Principal, @Req() req: FastifyRequest): Promise<CommandOutcome> {
    for (const [field, value] of [['sheetId', sheetId], ['indicatorId', indicatorId]] as const) {
      if (!isSlug(value)) throw invalid('invalid_id', `${field} must be a kebab-case id`, { field });
    }
    return this.commandBus.execute(new ExecuteSheetCommand(sheetId, { type: 'SetIndicatorFrequency', data: { indicatorId, frequency: dto.frequency }, metadata: commandMetadata(req, p) }, p));
  }
}
