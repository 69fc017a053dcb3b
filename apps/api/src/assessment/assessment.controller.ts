import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { VersionPipe } from '../http/version.pipe.js';
import type { FastifyReply } from 'fastify';
import { ASSESSMENT_DOCUMENT_FORMATS, ASSESSMENT_MEDIA_TYPES, AssessmentDocumentThread, buildAssessment, loadAssessmentInputAt, negotiateAssessmentFormat, renderAssessmentDocument, renderRestatement, restateAssessment, type AssessmentSources } from '#assessment';
import { HashChainStore } from '#audit';
import { invalid, parseVersionLabel } from '#domain';
import type { EventStore } from '#event-store';
import { DataQualityReadModel, IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { AssessmentQuery, RestatementQuery } from './assessment-query.dto.js';

const CHAIN_WAIT_MS = 2000;
const CHAIN_POLL_MS = 20;

/** Formats a browser shows in place; the office documents are offered for download. */
const INLINE = new Set(['json', 'md', 'html', 'pdf']);

@ApiTags('assessment')
@Controller('api/roadmaps')
export class AssessmentController {
  constructor(
    @Inject(RoadmapsReadModel) private readonly roadmaps: RoadmapsReadModel,
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly series: IndicatorSeriesReadModel,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HashChainStore) private readonly chain: HashChainStore,
    @Inject(AssessmentDocumentThread) private readonly documents: AssessmentDocumentThread,
  ) {}

  private sources(): AssessmentSources & Required<Pick<AssessmentSources, 'log'>> {
    return {
      roadmaps: this.roadmaps, sheets: this.sheets, series: this.series, dataQuality: this.dataQuality,
      log: { store: this.store, chainHashAt: (position) => this.chainedAt(position) },
    };
  }

  /**
   * The chain follows the log a moment behind (off the request thread): an assessment of the latest
   * position waits for its link a little, so that asking twice gives the same document.
   */
  private async chainedAt(position: number): Promise<string | null> {
    for (let waited = 0; ; waited += CHAIN_POLL_MS) {
      const hash = this.chain.hashAt(position);
      if (hash !== null || waited >= CHAIN_WAIT_MS) return hash;
      await new Promise((resolve) => setTimeout(resolve, CHAIN_POLL_MS));
    }
  }

  @Get(':roadmapId/versions/:version/assessment')
  @ApiOperation({ summary: 'Assessment of a version over its period: outcome of each sheet per enjeu, milestones on time/late/missed, indicators against targets, what carries over, the findings on the data' })
  @ApiProduces(...Object.values(ASSESSMENT_MEDIA_TYPES))
  async assessment(@Param('roadmapId') roadmapId: string, @Param('version', VersionPipe) version: string, @Query() { format: asked, until, knownAt }: AssessmentQuery, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const format = negotiateAssessmentFormat(asked, accept);
    // The query DTO has already refused an unknown `format`; kept so that the negotiation's contract holds on its own.
    if (format === null) throw invalid('invalid_query', `format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}`, { field: 'format' });
    parseVersionLabel(version);
    const model = buildAssessment(await loadAssessmentInputAt(this.sources(), roadmapId, version, until ?? null, knownAt));
    const doc = await renderAssessmentDocument(model, format, this.documents.render);
    await reply.header('content-type', doc.contentType).header('vary', 'accept')
      .header('content-disposition', `${INLINE.has(format) ? 'inline' : 'attachment'}; filename="${doc.filename}"`).send(doc.body);
  }

  @Get(':roadmapId/versions/:version/assessment/restatement')
  @ApiOperation({ summary: 'What changed in the assessment since it was presented (as known at `since`): each figure as presented and as known today, with the events that changed it' })
  @ApiProduces('application/json', 'text/markdown', 'text/html')
  async restatement(@Param('roadmapId') roadmapId: string, @Param('version', VersionPipe) version: string, @Query() { since, until, format: asked }: RestatementQuery, @Res() reply: FastifyReply): Promise<void> {
    const format = asked ?? 'json';
    const sources = this.sources();
    const presented = buildAssessment(await loadAssessmentInputAt(sources, roadmapId, version, until ?? null, since));
    const known = buildAssessment(await loadAssessmentInputAt(sources, roadmapId, version, until ?? null));
    const body = renderRestatement(await restateAssessment(presented, known, sources.log), format);
    await reply.header('content-type', `${ASSESSMENT_MEDIA_TYPES[format]}; charset=utf-8`).send(body);
  }
}
