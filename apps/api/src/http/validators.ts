import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isDatedLabel, isIndicatorValue, isNonBlankText, isPeriod, isQualifier, isSlug, isTerritory, isTrackedDate, MAX_VALUE_MAGNITUDE, parseDated, QUALIFIERS, REGION_CODE, SLUG, TERRITORIES, TEXT_LIMITS, TRACKED_YEARS, ZONES } from '#domain';
import { describeConstraint, type SchemaFragment } from './openapi/constraint-schemas.js';

/** A rule of the API's own, with the schema that says the same thing in the OpenAPI description. */
function rule(name: string, test: (v: unknown) => boolean, message: string | ((args: ValidationArguments) => string), schema: SchemaFragment) {
  describeConstraint(name, () => schema);
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options: { message, ...options }, validator: { validate: test } });
}

const YEAR = `(?:19\\d\\d|20\\d\\d|${TRACKED_YEARS.last})`;
/** Only the days that exist: 30 days hath September…, and 29 February in the leap years (not 1900 nor 2100). */
const MONTH_DAY = '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))';
const LEAP_DAY = '(?:19(?:0[48]|[2468][048]|[13579][26])|20(?:[02468][048]|[13579][26]))-02-29';
const DAY = `(?:${YEAR}-${MONTH_DAY}|${LEAP_DAY})`;
const PERIOD = `(?:${YEAR}|${YEAR}-S[12]|${YEAR}-Q[1-4]|${YEAR}-(?:0[1-9]|1[0-2])|${DAY})`;

export const IsCalendarDate = rule('isCalendarDate', isTrackedDate,
  ({ property, value }) => (isCalendarDate(value) ? `${property} must fall between ${TRACKED_YEARS.first} and ${TRACKED_YEARS.last}` : `${property} must be a real calendar date (YYYY-MM-DD)`),
  { type: 'string', format: 'date', pattern: `^${DAY}$` });
/**
 * The schema says the single periods; a range A/B (B not before A) is accepted too, but a pattern
 * cannot say "not before", and a schema that admitted reversed ranges would promise what is refused.
 */
export const IsPeriod = rule('isPeriod', isPeriod, '$property must be a period: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or a range A/B',
  { type: 'string', maxLength: 40, pattern: `^${PERIOD}$`, description: 'YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, or a range A/B whose end is not before its start' });
export const IsSlug = rule('isSlug', isSlug, '$property must be a kebab-case id (a-z, 0-9, dashes)',
  { type: 'string', minLength: 1, maxLength: TEXT_LIMITS.id, pattern: SLUG.source });
export const IsTerritory = rule('isTerritory', isTerritory, '$property must be an INSEE code: 24 (region) or 18, 28, 36, 37, 41, 45',
  { type: 'string', enum: Object.keys(TERRITORIES) });
/** A value as an indicator holds it; whether it fits the indicator's unit is the decider's rule (422). */
export const IsIndicatorValue = rule('isIndicatorValue', isIndicatorValue, `$property must be a finite number between -${MAX_VALUE_MAGNITUDE} and ${MAX_VALUE_MAGNITUDE}`,
  { type: 'number', minimum: -MAX_VALUE_MAGNITUDE, maximum: MAX_VALUE_MAGNITUDE });

/** The white space `String.prototype.trim` removes, spelt out: `\s` differs between regex dialects. */
const TRIMMED = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
/** A required text, as the deciders require it (`requireText`): something besides white space. */
export const IsNonBlank = rule('isNonBlank', isNonBlankText, '$property must be a non-empty text', { minLength: 1, pattern: `[^${TRIMMED}]` });
/** A point as printed: a period of the tracked years, a part of a year or month, or a season. */
const DATED_POINT = `(?:${PERIOD}|${YEAR}(?:-(?:0[1-9]|1[0-2]))?-(?:early|mid|late)|${YEAR}-(?:spring|summer|autumn))`;
/** A printed date as the roadmap tracks it: its known days fall within the tracked years, like every other date. */
const isTrackedDatedLabel = (v: unknown): boolean => {
  if (!isDatedLabel(v)) return false;
  const { start, end } = parseDated(v);
  return (start === null || isTrackedDate(start)) && (end === null || isTrackedDate(end));
};
/** As for IsPeriod, the schema says the points and the open ranges; a closed range A/B (B not before A) is accepted too. */
export const IsDatedLabel = rule('isDatedLabel', isTrackedDatedLabel, `$property must be a date as printed between ${TRACKED_YEARS.first} and ${TRACKED_YEARS.last}: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, YYYY[-MM]-early|mid|late, YYYY-spring|summer|autumn, or a range A/B with .. for an open end`,
  { type: 'string', maxLength: 40, pattern: `^(?:${DATED_POINT}|${DATED_POINT}/\\.\\.|\\.\\./${DATED_POINT})$`,
    description: 'a date as printed: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, YYYY[-MM]-early|mid|late, YYYY-spring|summer|autumn, or a range A/B (B not before A) with .. for an open end' });
export const IsQualifier = rule('isQualifier', isQualifier, `$property must be one of ${QUALIFIERS.join(', ')}`, { type: 'string', enum: [...QUALIFIERS] });
export const isZone = (v: unknown): boolean => (ZONES as readonly unknown[]).includes(v);
export const IsZone = rule('isZone', isZone, `$property must be one of ${ZONES.join(', ')}`, { type: 'string', enum: [...ZONES] });

/**
 * `scope`'s rule across a territory and a zone, for a DTO's schema (`@ApiSchemaRule`): the AMEL zone
 * exists in the Eure-et-Loir only, and in the region that contains it.
 */
export const AMEL_ZONE_RULE = {
  anyOf: [{ not: { required: ['zone'], properties: { zone: { enum: ['amel'] } } } }, { required: ['territory'], properties: { territory: { enum: ['28', REGION_CODE] } } }],
};

/** An ISO 8601 instant or day, as `knownAt` takes it (the record-time axis). */
export const isTimestamp = (v: unknown): boolean => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v));
export const IsTimestamp = rule('isTimestamp', isTimestamp, '$property must be an ISO 8601 timestamp (e.g. 2024-01-31T12:00:00Z)',
  { type: 'string', format: 'date-time' });

/** An instant within the tracked years, as a token's expiry takes it. */
export const IsInstant = rule('isInstant', (v) => isTimestamp(v) && isTrackedDate((v as string).slice(0, 10)),
  `$property must be an ISO 8601 instant (e.g. 2026-12-31T23:59:59Z) between ${TRACKED_YEARS.first} and ${TRACKED_YEARS.last}`,
  { type: 'string', format: 'date-time', pattern: `^${YEAR}-` });

/** A whole number within bounds (a query string converted by `WholeNumber`'s transform). */
export function IsWholeNumber(min: number, max: number, options?: ValidationOptions) {
  return rule(`isWholeNumber:${min}:${max}`, (v) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max, `$property must be a whole number between ${min} and ${max}`,
    { type: 'integer', minimum: min, maximum: max })(options);
}
