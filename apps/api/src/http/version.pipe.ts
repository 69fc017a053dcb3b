import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { parseVersionLabel, VERSION_LABEL } from '#domain';

/** A version label in the path (`V4`), or 400 `invalid_version` naming the parameter. */
@Injectable()
export class VersionPipe implements PipeTransform<string, string> {
  /** What the OpenAPI description says of the parameters it checks. */
  static readonly schema = { type: 'string', pattern: VERSION_LABEL.source };

  transform(value: string, metadata: ArgumentMetadata): string {
    return parseVersionLabel(value, metadata.data ?? 'version');
  }
}
