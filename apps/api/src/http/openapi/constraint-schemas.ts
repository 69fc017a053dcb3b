import { getMetadataStorage } from 'class-validator';

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];

export type SchemaFragment = Record<string, unknown>;

/**
 * class-validator constraints as JSON Schema, so that the OpenAPI description says what the
 * validation pipe applies, from the same decorators. A rule of the API's own registers its schema
 * next to its test (`describeConstraint`); a constraint with no schema says nothing.
 */
const DESCRIBED = new Map<string, (constraints: unknown[]) => SchemaFragment>([
  ['isString', () => ({ type: 'string' })],
  ['isBoolean', () => ({ type: 'boolean' })],
  ['isNumber', () => ({ type: 'number' })],
  ['isInt', () => ({ type: 'integer' })],
  ['isIn', ([values]) => ({ enum: values })],
  ['isEnum', ([entity]) => ({ enum: Object.values(entity as object) })],
  ['minLength', ([n]) => ({ minLength: n })],
  ['maxLength', ([n]) => ({ maxLength: n })],
  ['isLength', ([min, max]) => ({ minLength: min, ...(max === undefined ? {} : { maxLength: max }) })],
  ['isNotEmpty', () => ({ minLength: 1 })],
  ['min', ([n]) => ({ minimum: n })],
  ['max', ([n]) => ({ maximum: n })],
  ['matches', ([pattern]) => ({ pattern: pattern instanceof RegExp ? pattern.source : String(pattern) })],
  ['isIso8601', () => ({ type: 'string', format: 'date-time' })],
  ['isISO8601', () => ({ type: 'string', format: 'date-time' })],
  ['isUuid', () => ({ type: 'string', format: 'uuid' })],
  ['isEmail', () => ({ type: 'string', format: 'email' })],
  ['isArray', () => ({ type: 'array' })],
  ['arrayMinSize', ([n]) => ({ minItems: n })],
  ['arrayMaxSize', ([n]) => ({ maxItems: n })],
  ['isObject', () => ({ type: 'object' })],
]);

export function describeConstraint(name: string, schema: (constraints: unknown[]) => SchemaFragment): void {
  DESCRIBED.set(name, schema);
}

export interface PropertyRules {
  /** Constraints on the value itself. */
  schema: SchemaFragment;
  /** Constraints declared with `{ each: true }`: on the items of an array. */
  items: SchemaFragment;
  /** `@IsOptional()`: absent, null or valid. */
  optional: boolean;
  /** Validation skipped on a condition (`@IsOptional()`, `@ValidateIf(o => o.x !== null)`): null is let through. */
  nullable: boolean;
  /** `@IsDefined()`: present, whatever the conditions. */
  defined: boolean;
  nested: boolean;
}

/** Every validated property of a DTO class, with its constraints as schema. */
export function propertyRules(target: Function): Map<string, PropertyRules> {
  const metadata: ValidationMetadata[] = getMetadataStorage().getTargetValidationMetadatas(target, '', true, false);
  const rules = new Map<string, PropertyRules>();
  for (const m of metadata) {
    const entry = rules.get(m.propertyName) ?? { schema: {}, items: {}, optional: false, nullable: false, defined: false, nested: false };
    rules.set(m.propertyName, entry);
    // A condition the schema cannot read (`@ValidateIf`) may skip the field: optional and nullable,
    // unless `@IsDefined()` requires it (null then stays allowed).
    if (m.type === 'conditionalValidation') { entry.nullable = true; entry.optional = true; }
    if (m.type === 'isDefined') entry.defined = true;
    if (m.type === 'nestedValidation') entry.nested = true;
    const name = m.type === 'customValidation' ? m.name ?? (m.constraintCls as { name?: string } | undefined)?.name : undefined;
    const describe = name ? DESCRIBED.get(name) : undefined;
    if (!describe) continue;
    Object.assign(m.each ? entry.items : entry.schema, describe(m.constraints ?? []));
  }
  for (const entry of rules.values()) {
    if (Object.keys(entry.items).length) entry.schema.type = 'array';
    if (entry.defined) entry.optional = false;
  }
  return rules;
}

/** The classes class-validator knows: the API's DTOs, bodies and query strings alike. */
export function validatedClasses(): Function[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown> };
  return [...storage.validationMetadatas.keys()];
}
