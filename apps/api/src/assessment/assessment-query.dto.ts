import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { ASSESSMENT_FORMATS, type AssessmentFormat } from '#assessment';
import { IsCalendarDate } from '../http/validators.js';

export class AssessmentQuery {
  @ApiPropertyOptional({ enum: ASSESSMENT_FORMATS as unknown as string[] })
  @IsOptional() @IsIn(ASSESSMENT_FORMATS as unknown as string[], { message: `format must be one of ${ASSESSMENT_FORMATS.join(', ')}`, context: { code: 'invalid_query' } }) format: AssessmentFormat = 'json';

  @ApiPropertyOptional({ example: '2024-12-31', description: 'closes the period on this day' })
  @IsOptional() @IsCalendarDate({ context: { code: 'invalid_date' } }) until?: string;
}
