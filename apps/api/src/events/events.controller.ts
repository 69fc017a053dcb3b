import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '#event-store';
import { Allow } from '../auth/access.decorator.js';
import { LogPageQuery } from '../http/query.dto.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';


@ApiTags('events')
@Controller('api/events')
export class EventsController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @Allow(['admin', 'auditor'])
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The global log in position order, with full envelopes (auditors)' })
  async list(@Query() { after, limit }: LogPageQuery): Promise<unknown> {
    const events = await this.store.readAll({ fromPosition: after, limit });
    return { events, next: events.length ? events[events.length - 1]!.position : after, head: await this.store.headPosition() };
  }
}
