import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ASSESSMENT_DOCUMENT_FORMATS, type AssessmentDocumentFormat } from '#assessment';
import { IsCalendarDate } from '../http/validators.js';

export class AssessmentQuery {
  // No default: without `format` the Accept header decides.
  @ApiPropertyOptional({ enum: ASSESSMENT_DOCUMENT_FORMATS as unknown as string[], description: 'overrides the Accept header' })
  @IsOptional() @IsIn(ASSESSMENT_DOCUMENT_FORMATS as unknown as string[], { message: `format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}`, context: { code: 'invalid_query' } }) format?: AssessmentDocumentFormat;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'closes the period on this day' })
  @IsOptional() @IsCalendarDate({ context: { code: 'invalid_date' } }) until?: string;
}
