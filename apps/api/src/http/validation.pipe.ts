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
    return (metadata.type === 'query' ? this.queries : this.bodies).transform(value, metadata);
  }
}
