import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { invalid } from '../../../../libs/domain/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { Allow } from '../auth/access.decorator.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';

function int(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalid('invalid_query', `${name} must be a whole number between ${min} and ${max}`, { field: name });
  return n;
}

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
    const from = int('after', after, 0, 0, Number.MAX_SAFE_INTEGER);
    const n = int('limit', limit, 100, 1, 1000);
    const events = await this.store.readAll({ fromPosition: from, limit: n });
    return { events, next: events.length ? events[events.length - 1]!.position : from, head: await this.store.headPosition() };
  }
}
