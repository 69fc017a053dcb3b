/** Statuses an operation can answer beyond those its shape implies (see `completeDocument`). */
export const API_ERRORS = 'scoran:api-errors';
/** JSON Schema a DTO's class-validator constraints cannot say (a rule across fields). */
export const API_SCHEMA_RULE = 'scoran:api-schema-rule';

export function ApiErrors(...statuses: number[]): ClassDecorator & MethodDecorator {
  return (target: object, _key?: string | symbol, descriptor?: PropertyDescriptor) => {
    const holder = descriptor?.value ?? target;
    Reflect.defineMetadata(API_ERRORS, [...(Reflect.getMetadata(API_ERRORS, holder) ?? []), ...statuses], holder);
    return descriptor as never;
  };
}

/**
 * Adds a rule across fields to a DTO's schema, next to the check that applies it: the check stays
 * the truth, this says it to clients (and to a fuzzer, which would otherwise send what it refuses).
 */
export function ApiSchemaRule(rule: Record<string, unknown>): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(API_SCHEMA_RULE, [...(Reflect.getMetadata(API_SCHEMA_RULE, target) ?? []), rule], target);
  };
}
