import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '#event-store';
import { Allow } from '../auth/access.decorator.js';
import { wholeNumberParam } from '../http/query-params.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';


@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The global log in position order, with full envelopes (auditors)' })
  @ApiQuery({ name: 'after', required: false }) @ApiQuery({ name: 'limit', required: false })
  async list(@Query('after') after?: string, @Query('limit') limit?: string): Promise<unknown> {
    const from = wholeNumberParam('after', after, 0, 0, Number.MAX_SAFE_INTEGER);
    const n = wholeNumberParam('limit', limit, 100, 1, 1000);
    const events = await this.store.readAll({ fromPosition: from, limit: n });
    return { events, next: events.length ? events[events.length - 1]!.position : from, head: await this.store.headPosition() };
  }
}
