import { BadRequestException, Injectable, ValidationPipe, type ArgumentMetadata, type PipeTransform, type ValidationError } from '@nestjs/common';
import { invalid } from '#domain';

function flatten(errors: ValidationError[], prefix = ''): Array<{ field: string; messages: string[] }> {
  return errors.flatMap((e) => {
    const field = prefix ? (/^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : `${prefix}.${e.property}`) : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** The code a query constraint answers with (`context: { code }` on its decorator); `invalid_query` by default. */
function queryProblem(errors: ValidationError[]): Error {
  const first = errors[0]!;
  const [constraint, message] = Object.entries(first.constraints ?? {})[0] ?? ['', `${first.property} is not accepted`];
  if (constraint === 'whitelistValidation') return invalid('invalid_query', `unknown query parameter ${first.property}`, { field: first.property });
  const code = (first.contexts?.[constraint] as { code?: string } | undefined)?.code ?? 'invalid_query';
  return invalid(code, message, { field: first.property });
}

/**
 * A DTO whose common case is checked by hand: `admits` is true only for a query string or a body
 * that the DTO's decorators accept as it is (declared fields, each a value its rule accepts, no
 * transform), so that the instance class-transformer would build is the DTO with those values.
 * Anything else (a refusal included) goes through class-validator, which answers as before. Per
 * request, class-transformer and class-validator cost more CPU than the rest of the pipe: for the
 * time-travel reads' query strings, and for the report endpoint's body.
 */
export interface QuickCheck {
  admits(value: unknown): boolean;
}

/**
 * For `QuickCheck.admits` on a body: a plain object with every `required` field, and no field but
 * those of `rules`, each accepted by its rule. Must say no wherever class-validator would refuse.
 */
export function admitsFields(rules: Readonly<Record<string, (value: unknown) => boolean>>, required: readonly string[]) {
  return (body: unknown): boolean => {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return false;
    for (const name of required) if (!Object.hasOwn(body, name)) return false;
    for (const [name, value] of Object.entries(body)) {
      if (!Object.hasOwn(rules, name) || !rules[name]!(value)) return false;
    }
    return true;
  };
}

const options = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, transform: true, validationError: { target: false, value: false } } as const;

/**
 * Strict DTOs for bodies and query strings alike: unknown fields are refused. A body's 400 names
 * each offending field; a query's names the first one, with the code of the rule it broke (as the
 * queries themselves do, e.g. `invalid_date` for `asOf`).
 */
@Injectable()
export class StrictValidationPipe implements PipeTransform {
  private readonly bodies = new ValidationPipe({
    ...options,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({ statusCode: 400, error: 'validation_failed', message: `invalid fields: ${fields.map((f) => f.field).join(', ')}`, fields });
    },
  });
  private readonly queries = new ValidationPipe({ ...options, exceptionFactory: queryProblem });

  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const type = metadata.metatype as (QuickCheck & (new () => object)) | undefined;
    // Only the class that declares the check: a subclass may add fields or rules it does not know.
    const quick = (metadata.type === 'query' || metadata.type === 'body') && type !== undefined && Object.hasOwn(type, 'admits') && type.admits(value);
    if (quick) return Object.assign(new type(), value);
    return metadata.type === 'query' ? this.queries.transform(value, metadata) : this.bodies.transform(value, metadata);
  }
}
