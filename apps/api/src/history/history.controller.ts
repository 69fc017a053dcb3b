import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { exportNdjson, HashChainStore, verifyChain, type VerifyReport } from '#audit';
import type { EventStore } from '#event-store';
import { Allow } from '../auth/access.decorator.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { GlobalHistory } from './global-history.service.js';
import { HistoryQuery } from './history-query.dto.js';


@ApiTags('audit')
@Controller('api')
export class HistoryController {
  constructor(
    private readonly history: GlobalHistory,
    private readonly chain: HashChainStore,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get('history')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Every event of every stream: actor, record time, correlation/causation, and what it changed' })
  list(@Query() query: HistoryQuery): Promise<unknown> {
    return this.history.list({ after: query.after, limit: query.limit, actor: query.actor, type: query.type });
  }

  @Get('export/events.ndjson')
  @ApiProduces('application/x-ndjson')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The whole log as NDJSON (one envelope per line, position order); `import` replays it into an empty store' })
  async export(@Res() reply: FastifyReply): Promise<void> {
    await reply
      .header('content-type', 'application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="events.ndjson"')
      .send(Readable.from(exportNdjson(this.store)));
  }

  @Get('audit/verify')
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Recomputes the hash chain over the log; reports the first tampered, removed or reordered event' })
  verify(): Promise<VerifyReport> {
    return verifyChain(this.store, this.chain);
  }
}
