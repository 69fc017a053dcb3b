import { Controller, Get, Header, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { invalid } from '#domain';
import { Allow } from '../auth/access.decorator.js';
import { toCsv } from './csv-writer.js';
import { dcatCatalog } from './dcat-catalog.js';
import { FindingsExportQuery, IndicatorsExportQuery, SeriesExportQuery, SheetsExportQuery } from './export-query.dto.js';
import { DATASETS, type DatasetName } from './open-data.columns.js';
import { OpenDataCatalogFacts, OpenDataExports, parseExportFilter, type Row } from './open-data.service.js';
import { tableSchema } from './table-schema.js';

const CSV_TYPE = 'text/csv; charset=utf-8; header=present';

/** Open data: public, no actor identities; columns documented in docs/open-data.md. */
@ApiTags('open data')
@Controller('api/export')
export class ExportsController {
  constructor(@Inject(OpenDataExports) private readonly exports: OpenDataExports, @Inject(OpenDataCatalogFacts) private readonly facts: OpenDataCatalogFacts) {}

  private rows(dataset: DatasetName, query: SheetsExportQuery | IndicatorsExportQuery | SeriesExportQuery | FindingsExportQuery): Row[] {
    const filter = parseExportFilter({ ...query });
    if (dataset === 'findings') return this.exports.findings({ ...filter, status: parseFindingStatus((query as FindingsExportQuery).status) });
    return dataset === 'sheets' ? this.exports.sheets(filter) : dataset === 'indicators' ? this.exports.indicators(filter) : this.exports.series(filter);
  }

  private csv(dataset: DatasetName, query: SheetsExportQuery | IndicatorsExportQuery | SeriesExportQuery | FindingsExportQuery, reply: FastifyReply): string {
    const body = toCsv(DATASETS[dataset], this.rows(dataset, query));
    void reply.header('content-type', CSV_TYPE).header('content-disposition', `inline; filename="${dataset}.csv"`);
    return body;
  }

  @Get('sheets.csv') @Allow('public') @ApiProduces('text/csv') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Sheets, one row per sheet (in its current version, or in ?version=)' })
  sheetsCsv(@Query() q: SheetsExportQuery, @Res({ passthrough: true }) reply: FastifyReply) { return this.csv('sheets', q, reply); }

  @Get('sheets.json') @Allow('public') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Sheets as JSON records (same keys as the CSV columns)' })
  sheetsJson(@Query() q: SheetsExportQuery) { return this.rows('sheets', q); }

  @Get('indicators.csv') @Allow('public') @ApiProduces('text/csv') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Indicators, one row per indicator: final target and latest regional value' })
  indicatorsCsv(@Query() q: IndicatorsExportQuery, @Res({ passthrough: true }) reply: FastifyReply) { return this.csv('indicators', q, reply); }

  @Get('indicators.json') @Allow('public') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Indicators as JSON records' })
  indicatorsJson(@Query() q: IndicatorsExportQuery) { return this.rows('indicators', q); }

  @Get('series.csv') @Allow('public') @ApiProduces('text/csv') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Series, one row per indicator, territory, zone and date, with the value and the target in force' })
  seriesCsv(@Query() q: SeriesExportQuery, @Res({ passthrough: true }) reply: FastifyReply) { return this.csv('series', q, reply); }

  @Get('series.json') @Allow('public') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Series as JSON records' })
  seriesJson(@Query() q: SeriesExportQuery) { return this.rows('series', q); }

  @Get('sheets.schema.json') @Allow('public') @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Frictionless Table Schema of sheets.csv: field types, formats, constraints, missing values, primary key' })
  sheetsSchema() { return tableSchema('sheets'); }

  @Get('indicators.schema.json') @Allow('public') @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Frictionless Table Schema of indicators.csv' })
  indicatorsSchema() { return tableSchema('indicators'); }

  @Get('series.schema.json') @Allow('public') @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Frictionless Table Schema of series.csv' })
  seriesSchema() { return tableSchema('series'); }

  @Get('catalog.jsonld') @Allow('public') @ApiProduces('application/ld+json') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'DCAT-AP catalogue (JSON-LD): a dataset per export, CSV and JSON distributions, Table Schemas, licence, temporal coverage per roadmap version' })
  catalog(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.header('content-type', 'application/ld+json; charset=utf-8');
    // Portals harvest absolute URLs: they are those the catalogue was asked through.
    return dcatCatalog(this.facts.read(), `${req.protocol}://${req.host}`);
  }

  @Get('findings.csv') @Allow('public') @ApiProduces('text/csv') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Data-quality findings, one row per finding and figure: printed, recomputed, what it refers to, where it is printed, status' })
  findingsCsv(@Query() q: FindingsExportQuery, @Res({ passthrough: true }) reply: FastifyReply) { return this.csv('findings', q, reply); }

  @Get('findings.json') @Allow('public') @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Data-quality findings as JSON records (same keys as the CSV columns)' })
  findingsJson(@Query() q: FindingsExportQuery) { return this.rows('findings', q); }

  @Get('findings.schema.json') @Allow('public') @Header('cache-control', 'public, max-age=3600')
  @ApiOperation({ summary: 'Frictionless Table Schema of findings.csv' })
  findingsSchema() { return tableSchema('findings'); }
}

function parseFindingStatus(status: string | undefined): string | undefined {
  if (status !== undefined && !['open', 'resolved', 'withdrawn'].includes(status)) throw invalid('invalid_query', 'status must be open, resolved or withdrawn', { field: 'status' });
  return status;
}
