import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isDatedLabel, isPeriod, isQualifier, isSlug, isTerritory, QUALIFIERS, ZONES } from '#domain';

function rule(name: string, test: (v: unknown) => boolean, message: string) {
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options: { message, ...options }, validator: { validate: test } });
}

export const IsCalendarDate = rule('isCalendarDate', isCalendarDate, '$property must be a real calendar date (YYYY-MM-DD)');
export const IsPeriod = rule('isPeriod', isPeriod, '$property must be a period: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or a range A/B');
export const IsDatedLabel = rule('isDatedLabel', isDatedLabel, '$property must be a date as printed: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, YYYY[-MM]-early|mid|late, YYYY-spring|summer|autumn, or a range A/B with .. for an open end');
export const IsQualifier = rule('isQualifier', isQualifier, `$property must be one of ${QUALIFIERS.join(', ')}`);
export const IsZone = rule('isZone', (v) => (ZONES as readonly unknown[]).includes(v), `$property must be one of ${ZONES.join(', ')}`);
export const IsSlug = rule('isSlug', isSlug, '$property must be a kebab-case id (a-z, 0-9, dashes)');
export const IsTerritory = rule('isTerritory', isTerritory, '$property must be an INSEE code: 24 (region) or 18, 28, 36, 37, 41, 45');

/** An ISO 8601 instant or day, as `knownAt` takes it (the record-time axis). */
export const isTimestamp = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v));
export const IsTimestamp = rule('isTimestamp', isTimestamp, '$property must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z)');

/** A whole number within bounds (a query string converted by `WholeNumber`'s transform). */
export function IsWholeNumber(min: number, max: number, options?: ValidationOptions) {
  return rule(`isWholeNumber`, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, `$property must be a whole number between ${min} and ${max}`)(options);
}
