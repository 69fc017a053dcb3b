import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { exportNdjson, HashChainStore, verifyChain, type VerifyReport } from '#audit';
import { invalid } from '#domain';
import type { EventStore } from '#event-store';
import { Allow } from '../auth/access.decorator.js';
import { wholeNumberParam } from '../http/query-params.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { GlobalHistory } from './global-history.service.js';


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
  @ApiQuery({ name: 'after', required: false, description: 'position to start after' }) @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'actor', required: false }) @ApiQuery({ name: 'type', required: false })
  list(@Query() query: Record<string, string | undefined>): Promise<unknown> {
    if (query.actor !== undefined && (query.actor.length === 0 || query.actor.length > 300)) throw invalid('invalid_query', 'actor must be 1 to 300 characters', { field: 'actor' });
    return this.history.list({ after: wholeNumberParam('after', query.after, 0, 0, Number.MAX_SAFE_INTEGER), limit: wholeNumberParam('limit', query.limit, 100, 1, 1000), actor: query.actor, type: query.type });
  }

  @Get('export/events.ndjson')
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
