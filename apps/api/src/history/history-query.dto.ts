import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { LogPageQuery } from '../http/query.dto.js';

/** The global history: a page of the log, of one actor or one event type. */
export class HistoryQuery extends LogPageQuery {
  @ApiPropertyOptional({ example: 'admin:bootstrap' })
  @IsOptional() @Length(1, 300, { message: 'actor must be 1 to 300 characters', context: { code: 'invalid_query' } }) actor?: string;

  @ApiPropertyOptional({ example: 'IndicatorReported' })
  @IsOptional() @IsString({ context: { code: 'invalid_query' } }) type?: string;
}
