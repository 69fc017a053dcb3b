import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { invalid } from '#domain';
import { Allow } from '../auth/access.decorator.js';
import { Uncached } from '../http/cache-headers.js';
import { EventStreamQuery } from './event-stream-query.dto.js';
import { EventStreamHub } from './event-stream.hub.js';

const STREAM_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' } as const;
const BACKLOG_LIMIT = 1000;

function lastEventId(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,15}$/.test(raw)) throw invalid('invalid_query', 'Last-Event-ID must be a whole number (a position in the log)', { field: 'Last-Event-ID' });
  return Number(raw);
}

@ApiTags('events')
@Controller('api/events')
export class EventStreamController {
  constructor(private readonly hub: EventStreamHub) {}

  @Get('stream')
  @Allow('public')
  @Uncached()
  @ApiOperation({
    summary: 'The log as Server-Sent Events, as anonymous readers see it (published streams only, no actor nor metadata)',
    description: [
      'Each event is one message: `id` = its global position, `event` = its type, `data` = JSON `{ position, type, stream, revision, sheetId, recordedAt, data }`.',
      'An event is sent once the read models show it. A client that reconnects with `Last-Event-ID` (or `?from=` where it cannot set headers; the header wins) gets every event after that position, without gaps or duplicates;',
      'without either, the stream starts at the current head. A comment line is sent every 15 s.',
      'Send `Accept: text/event-stream` (EventSource does) to follow the log; without it, the answer holds the events after the position that are visible now (at most 1000) and ends.',
    ].join(' '),
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'position of the last event received', schema: { type: 'string', pattern: '^(\\d{1,15})?$' } })
  @ApiResponse({ status: 200, description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  async stream(
    @Query() query: EventStreamQuery,
    @Headers('last-event-id') lastEventIdHeader: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const from = lastEventId(lastEventIdHeader) ?? query.from ?? null;
    if (!/\btext\/event-stream\b/i.test(accept ?? '')) {
      await reply.headers(STREAM_HEADERS).send(await this.hub.backlog(from ?? Number.MAX_SAFE_INTEGER, BACKLOG_LIMIT));
      return;
    }
    // The stream outlives this handler: Fastify lets go of the reply, and the headers it holds
    // (security headers, CORS) are written with the stream's own.
    reply.hijack();
    const held = Object.entries(reply.getHeaders()).filter((entry): entry is [string, string | number | string[]] => entry[1] !== undefined);
    reply.raw.writeHead(200, { ...Object.fromEntries(held), ...STREAM_HEADERS });
    reply.raw.flushHeaders();
    await this.hub.attach(reply.raw, from);
  }
}
