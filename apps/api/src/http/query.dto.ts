import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { isTrackedDate, VERSION_LABEL } from '#domain';
import { IsCalendarDate, IsTimestamp, isTimestamp, IsWholeNumber } from './validators.js';

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

/**
 * For `QuickCheck.admits` (see StrictValidationPipe): a query of the given parameters only, each a
 * string that the rule of its decorator accepts. Must say no wherever class-validator would refuse.
 */
export function admitsOnly(rules: Readonly<Record<string, (value: string) => boolean>>) {
  return (query: unknown): boolean => {
    if (query === null || typeof query !== 'object') return false;
    for (const [name, value] of Object.entries(query)) {
      if (!Object.hasOwn(rules, name) || typeof value !== 'string' || !rules[name]!(value)) return false;
    }
    return true;
  };
}

/** The rules of TimeTravelQuery's decorators, for DTOs that extend it and check their queries by hand. */
export const TIME_TRAVEL_RULES = { asOf: isTrackedDate, knownAt: isTimestamp } as const;
export const isVersionLabel = (value: string): boolean => VERSION_LABEL.test(value);

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

/** A version label (`V4`), optional, refused as the queries refuse it (`invalid_version`). */
export const QueryVersion = (example = 'V4') => (target: object, property: string) => {
  ApiPropertyOptional({ example })(target, property);
  IsOptional()(target, property);
  Matches(VERSION_LABEL, { message: `${property} must look like ${example}`, ...code('invalid_version') })(target, property);
};

/** A calendar day, optional (`invalid_date`). */
export const QueryDate = (description?: string) => (target: object, property: string) => {
  ApiPropertyOptional({ example: '2023-12-31', ...(description ? { description } : {}) })(target, property);
  IsOptional()(target, property);
  IsCalendarDate(code('invalid_date'))(target, property);
};

/** One of a few words, optional (`invalid_query`, the message listing them). */
export const QueryOneOf = (values: readonly string[]) => (target: object, property: string) => {
  ApiPropertyOptional({ enum: [...values] })(target, property);
  IsOptional()(target, property);
  IsIn([...values], { message: `${property} must be ${values.slice(0, -1).join(', ')} or ${values.at(-1)}`, ...code('invalid_query') })(target, property);
};
