import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** The two versions to compare (the diff checks they are version labels of the roadmap). */
export class DiffQuery {
  @ApiPropertyOptional({ example: 'V3' }) @IsOptional() @IsString({ context: { code: 'invalid_query' } }) from?: string;
  @ApiPropertyOptional({ example: 'V4' }) @IsOptional() @IsString({ context: { code: 'invalid_query' } }) to?: string;
}
