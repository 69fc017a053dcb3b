import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { isPrivateStream, type EventStore } from '#event-store';
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
    const page = await this.store.readAll({ fromPosition: after, limit });
    // The access log's events (token hashes) are left out; `next` still moves past them.
    const events = page.filter((e) => !isPrivateStream(e.stream));
    return { events, next: page.length ? page[page.length - 1]!.position : after, head: await this.store.headPosition() };
  }
}
