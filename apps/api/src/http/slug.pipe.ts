import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { invalid, isSlug, SLUG, TEXT_LIMITS } from '#domain';

/** A path id (`sheetId`, `indicatorId`, …): a kebab-case slug, or 400 naming the parameter. */
@Injectable()
export class SlugPipe implements PipeTransform<string, string> {
  /** What the OpenAPI description says of the parameters it checks. */
  static readonly schema = { type: 'string', minLength: 1, maxLength: TEXT_LIMITS.id, pattern: SLUG.source };

  transform(value: string, metadata: ArgumentMetadata): string {
    const name = metadata.data ?? 'id';
    if (!isSlug(value)) throw invalid('invalid_id', `${name} must be a kebab-case id`, { field: name });
    return value;
  }
}
