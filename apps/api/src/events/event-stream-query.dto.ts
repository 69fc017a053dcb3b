import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional } from 'class-validator';
import { IsWholeNumber } from '../http/validators.js';

/** Where a stream starts, for clients that cannot send Last-Event-ID (the header wins when both are there). */
export class EventStreamQuery {
  @ApiPropertyOptional({ type: Number, description: 'position to start after, for clients that cannot set Last-Event-ID' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsWholeNumber(0, Number.MAX_SAFE_INTEGER, { context: { code: 'invalid_query' } })
  from?: number;
}
