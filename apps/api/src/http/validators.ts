import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isCalendarDate, isPeriod, isSlug, isTerritory } from '#domain';

function rule(name: string, test: (v: unknown) => boolean, message: string) {
  return (options?: ValidationOptions) => (object: object, propertyName: string) =>
    registerDecorator({ name, target: object.constructor, propertyName, options: { message, ...options }, validator: { validate: test } });
}

export const IsCalendarDate = rule('isCalendarDate', isCalendarDate, '$property must be a real calendar date (YYYY-MM-DD)');
export const IsPeriod = rule('isPeriod', isPeriod, '$property must be a period: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or a range A/B');
export const IsSlug = rule('isSlug', isSlug, '$property must be a kebab-case id (a-z, 0-9, dashes)');
export const IsTerritory = rule('isTerritory', isTerritory, '$property must be an INSEE code: 24 (region) or 18, 28, 36, 37, 41, 45');
