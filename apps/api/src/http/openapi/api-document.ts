import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ACCESS, type Access } from '../../auth/access.decorator.js';
import { UNCACHED } from '../cache-headers.js';
import { API_ERRORS, API_SCHEMA_RULE } from './api-contract.decorators.js';
import { propertyRules, validatedClasses, type SchemaFragment } from './constraint-schemas.js';

type Schema = SchemaFragment & { properties?: Record<string, Schema>; items?: Schema; required?: string[]; $ref?: string };
type Parameter = { name: string; in: string; required?: boolean; schema?: Schema; description?: string; example?: unknown };
type Operation = { operationId?: string; parameters?: Parameter[]; responses: Record<string, { description: string; content?: Record<string, { schema?: Schema }> }>; requestBody?: unknown; security?: unknown[] };

/** A pipe that checks a path parameter says what it accepts (e.g. `SlugPipe.schema`). */
export interface DescribedPipe { schema?: Schema }

const PROBLEM: Schema = {
  type: 'object',
  required: ['statusCode', 'error', 'message'],
  properties: {
    statusCode: { type: 'integer', minimum: 400, maximum: 599 },
    error: { type: 'string', description: 'a stable code: validation_failed, invalid_id, sheet_not_found, concurrent_update…' },
    message: { type: 'string' },
    fields: { type: 'array', items: { type: 'object', required: ['field', 'messages'], properties: { field: { type: 'string' }, messages: { type: 'array', items: { type: 'string' } } } } },
    details: { type: 'object', additionalProperties: true },
  },
};

/** A Server-Sent Events message as a client parses it (each one is checked against this). */
const SSE_EVENT: Schema = {
  type: 'object',
  properties: { data: { type: 'string', description: 'JSON' }, event: { type: 'string' }, id: { type: 'string' }, retry: { type: 'integer' } },
};

/** The schema of a success answer in a media type that is not JSON. */
function textSchema(type: string): Schema {
  if (type === 'text/event-stream') return SSE_EVENT;
  if (type.startsWith('text/')) return { type: 'string' };
  return { type: 'string', format: 'binary' };
}

const REASONS: Record<number, string> = {
  304: 'Not modified since the ETag sent in If-None-Match', 400: 'Invalid request', 401: 'Missing, malformed, unknown, revoked or expired bearer token', 403: 'The token\'s role or organisation may not do this',
  404: 'Not found', 414: 'A path segment is too long', 408: 'The request did not arrive in time', 409: 'Conflict (concurrent update, already exists)', 413: 'Body too large', 415: 'Unsupported content type',
  422: 'A rule of the roadmap refuses it (or an idempotency key reused with another body)', 429: 'Too many writes; see Retry-After', 503: 'Not ready',
};

/** A property's schema from swagger, with its constraints; a nested DTO keeps its reference (and only array bounds are added). */
function merge(target: Schema, rules: SchemaFragment): Schema {
  if (target.$ref || (target.items && (target.items as Schema).$ref && rules.type === 'array')) {
    return { ...target, ...(rules.minItems !== undefined ? { minItems: rules.minItems } : {}), ...(rules.maxItems !== undefined ? { maxItems: rules.maxItems } : {}) };
  }
  return { ...target, ...rules };
}

/** A DTO's schema as its validation applies it: constraints, required fields, no unknown fields. */
function completeSchema(schema: Schema, target: Function): void {
  const rules = propertyRules(target);
  schema.properties ??= {};
  const required: string[] = [];
  for (const [name, rule] of rules) {
    const current = schema.properties[name] ?? {};
    const next = merge(current, rule.schema);
    if (Object.keys(rule.items).length && !(next.items as Schema | undefined)?.$ref) next.items = { ...((next.items as Schema) ?? {}), ...rule.items };
    // A conditional validation (`@IsOptional()`, `@ValidateIf`) lets null through: the schema says so.
    if (next.$ref) schema.properties[name] = rule.nullable ? { allOf: [{ $ref: next.$ref }], nullable: true } : { $ref: next.$ref };
    else schema.properties[name] = rule.nullable ? { ...next, nullable: true } : next;
    if (!rule.optional) required.push(name);
  }
  const extra = (Reflect.getMetadata(API_SCHEMA_RULE, target) ?? []) as Schema[];
  if (extra.length) schema.allOf = [...((schema.allOf as Schema[] | undefined) ?? []), ...extra];
  if (required.length) schema.required = required;
  else delete schema.required;
  schema.additionalProperties = false;
}

function queryParameters(target: Function, previous: Parameter[]): Parameter[] {
  const rules = propertyRules(target);
  return [...rules].map(([name, rule]) => {
    const before = previous.find((p) => p.name === name);
    const schema: Schema = { type: 'string', ...rule.schema };
    return { name, in: 'query', required: !rule.optional, ...(before?.description ? { description: before.description } : {}), schema };
  });
}

/** The classes a controller's handlers take as arguments (bodies and query DTOs among them). */
function parameterTypes(controller: Function): Function[] {
  return Object.getOwnPropertyNames(controller.prototype).flatMap((name) => (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Function[]);
}

/**
 * Those classes and every class their properties name for swagger (`@ApiProperty({ type })`), so that
 * a DTO reached only through another (a nested or a derived one, e.g. `OmitType(…)`) is completed too.
 */
function modelClasses(roots: Function[]): Function[] {
  const seen = new Set<Function>();
  const visit = (target: unknown): void => {
    if (typeof target !== 'function' || !target.prototype || seen.has(target) || [String, Number, Boolean, Object, Array].includes(target as never)) return;
    seen.add(target);
    const names = (Reflect.getMetadata('swagger/apiModelPropertiesArray', target.prototype) ?? []) as string[];
    for (const name of names) {
      const type = (Reflect.getMetadata('swagger/apiModelProperties', target.prototype, name.slice(1)) as { type?: unknown } | undefined)?.type;
      const resolved = Array.isArray(type) ? type[0] : type;
      // A lazy type (`type: () => X`) is a class too; calling a class throws, which leaves it as it is.
      if (typeof resolved === 'function' && !resolved.prototype) visit((resolved as () => unknown)());
      else visit(resolved);
    }
  };
  roots.forEach(visit);
  return [...seen];
}

function controllers(app: INestApplication): Function[] {
  const found: Function[] = [];
  for (const module of app.get(ModulesContainer).values()) for (const wrapper of module.controllers.values()) if (wrapper.metatype) found.push(wrapper.metatype as Function);
  return found;
}

function metadataOf<T>(key: string, handler: Function, controller: Function): T | undefined {
  return Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller);
}

/**
 * Completes what @nestjs/swagger derives from the controllers with what the server really applies,
 * read from the same sources as the validation: the DTOs' class-validator constraints (bodies and
 * query strings), the pipes of path parameters, the access rule of each route (401/403), the
 * refusals its shape implies (writes: 408, 409, 413, 415, 422, 429; path ids: 404) and those an
 * operation declares with `@ApiErrors`, all with the one error schema; success answers with their
 * media types (`@ApiProduces`, JSON otherwise).
 */
export function completeDocument(document: OpenAPIObject, app: INestApplication): OpenAPIObject {
  const schemas = (document.components ??= {}).schemas ??= {};
  for (const target of modelClasses([...validatedClasses(), ...controllers(app).flatMap(parameterTypes)])) {
    const schema = schemas[target.name] as Schema | undefined;
    if (schema && !('$ref' in schema)) completeSchema(schema, target);
  }
  schemas.Problem = PROBLEM as never;
  const operations = new Map<string, { operation: Operation; method: string }>();
  for (const [, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item as Record<string, Operation>)) if (operation?.operationId) operations.set(operation.operationId, { operation, method });
  }
  for (const controller of controllers(app)) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const found = operations.get(`${controller.name}_${name}`);
      const handler = controller.prototype[name];
      if (!found || typeof handler !== 'function') continue;
      const { operation, method } = found;
      const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, name) ?? {}) as Record<string, { index: number; data?: string; pipes?: unknown[] }>;
      const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, name) ?? []) as Function[];
      let parameters = operation.parameters ?? [];
      for (const [key, arg] of Object.entries(args)) {
        const kind = Number(key.split(':')[0]);
        if (kind === RouteParamtypes.QUERY && arg.data === undefined && types[arg.index] && types[arg.index] !== Object) {
          parameters = [...parameters.filter((p) => p.in !== 'query'), ...queryParameters(types[arg.index]!, parameters.filter((p) => p.in === 'query'))];
        }
        if (kind === RouteParamtypes.PARAM && arg.data) {
          const described = (arg.pipes ?? []).map((p) => ((typeof p === 'function' ? p : (p as object).constructor) as DescribedPipe).schema).find(Boolean);
          const parameter = parameters.find((p) => p.in === 'path' && p.name === arg.data);
          if (parameter && described) parameter.schema = { ...described };
        }
      }
      operation.parameters = parameters;

      const access = metadataOf<Access>(ACCESS, handler, controller) ?? 'public';
      const write = method !== 'get' && method !== 'head';
      const statuses = new Set<number>([400, 401, ...(metadataOf<number[]>(API_ERRORS, handler, controller) ?? [])]);
      if (access !== 'public' && access !== 'authenticated') statuses.add(403);
      // A path id may name nothing, or be longer than the router takes; a write's body may name what does not exist.
      if (parameters.some((p) => p.in === 'path')) { statuses.add(404); statuses.add(414); }
      if (write) for (const s of [404, 408, 409, 413, 415, 422, 429]) statuses.add(s);
      const produces = metadataOf<string[]>('swagger/apiProduces', handler, controller) ?? ['application/json'];
      for (const [status, response] of Object.entries(operation.responses)) {
        if (status === '204' || !status.startsWith('2')) continue;
        const schema = Object.values(response.content ?? {})[0]?.schema ?? {};
        response.content = Object.fromEntries(produces.map((type) => [type, { schema: type.includes('json') ? schema : textSchema(type) }]));
        if (!response.description) response.description = 'OK';
      }
      if (write && operation.responses['201']) operation.responses['202'] = { description: 'Stored, but not yet visible in the read models (visible: false)', content: { 'application/json': { schema: {} } } };
      if (!write && access === 'public' && !metadataOf<boolean>(UNCACHED, handler, controller)) operation.responses['304'] = { description: REASONS[304]! };
      for (const status of [...statuses].sort()) {
        operation.responses[String(status)] ??= { description: REASONS[status] ?? 'Refused', content: { 'application/json': { schema: { $ref: '#/components/schemas/Problem' } } } };
      }
      operation.security = access === 'public' ? [{}, { bearer: [] }] : [{ bearer: [] }];
    }
  }
  return document;
}

/** The OpenAPI description served at /api/docs-json: generated from the code, completed as above. */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const base = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('scoran-tracker').setDescription('Suivi de la SCORAN Centre-Val de Loire: sheets, indicators, milestones, versions, assessments').setVersion('1').addBearerAuth().build(),
  );
  return completeDocument(base, app);
}
