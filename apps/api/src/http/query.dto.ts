import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { IsCalendarDate, IsTimestamp, IsWholeNumber } from './validators.js';

/**
 * Query strings as DTOs: validated by the global pipe like bodies (unknown parameters refused), and
 * refused with the code of the broken rule (`context.code`) and the parameter's name.
 */
const code = (value: string) => ({ context: { code: value } });

/** Digits become a number; anything else stays as sent, for the validator to refuse. */
const digits = () => Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value));

/** Time travel: `asOf` on the valid-time axis, `knownAt` on the record-time axis. */
export class TimeTravelQuery {
  @ApiPropertyOptional({ example: '2023-12-31', description: 'valid time: the world as it was on this day' })
  @IsOptional() @IsCalendarDate(code('invalid_date')) asOf?: string;

  @ApiPropertyOptional({ example: '2024-01-31T12:00:00Z', description: 'record time: what the tracker knew at this instant' })
  @IsOptional() @IsTimestamp(code('invalid_timestamp')) knownAt?: string;
}

/** A page of the log: the events after a position, at most `limit` of them. */
export class LogPageQuery {
  @ApiPropertyOptional({ type: Number, description: 'position to start after' })
  @IsOptional() @digits() @IsWholeNumber(0, Number.MAX_SAFE_INTEGER, code('invalid_query')) after: number = 0;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: 1000 })
  @IsOptional() @digits() @IsWholeNumber(1, 1000, code('invalid_query')) limit: number = 100;
}

/** Optional text filters a query passes on as sent (the query checks their values). */
export const QueryText = () => (target: object, property: string) => {
  ApiPropertyOptional()(target, property);
  IsOptional()(target, property);
  IsString(code('invalid_query'))(target, property);
};
