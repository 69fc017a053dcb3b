import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ASSESSMENT_DOCUMENT_FORMATS, type AssessmentDocumentFormat } from '#assessment';
import { IsCalendarDate, IsTimestamp } from '../http/validators.js';

export class AssessmentQuery {
  // No default: without `format` the Accept header decides.
  @ApiPropertyOptional({ enum: ASSESSMENT_DOCUMENT_FORMATS as unknown as string[], description: 'overrides the Accept header' })
  @IsOptional() @IsIn(ASSESSMENT_DOCUMENT_FORMATS as unknown as string[], { message: `format must be one of ${ASSESSMENT_DOCUMENT_FORMATS.join(', ')}`, context: { code: 'invalid_query' } }) format?: AssessmentDocumentFormat;

  @ApiPropertyOptional({ example: '2024-12-31', description: 'closes the period on this day' })
  @IsOptional() @IsCalendarDate({ context: { code: 'invalid_date' } }) until?: string;

  @ApiPropertyOptional({ example: '2024-01-31T12:00:00Z', description: 'the assessment as the tracker knew it at this instant (record time)' })
  @IsOptional() @IsTimestamp({ context: { code: 'invalid_timestamp' } }) knownAt?: string;
}

export class RestatementQuery {
  @ApiPropertyOptional({ enum: ['json', 'md', 'html'], default: 'json' })
  @IsOptional() @IsIn(['json', 'md', 'html'], { message: 'format must be one of json, md, html', context: { code: 'invalid_query' } }) format?: 'json' | 'md' | 'html';

  @ApiPropertyOptional({ example: '2024-12-31' })
  @IsOptional() @IsCalendarDate({ context: { code: 'invalid_date' } }) until?: string;

  @ApiProperty({ example: '2024-01-31T12:00:00Z', description: 'the instant the figures were presented (record time)' })
  @IsTimestamp({ context: { code: 'invalid_timestamp' } }) since!: string;
}
