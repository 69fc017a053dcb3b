import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Length, Matches } from 'class-validator';
import { EVENT_TYPE_NAME } from './global-history.service.js';
import { LogPageQuery } from '../http/query.dto.js';

/** The global history: a page of the log, of one actor or one event type. */
export class HistoryQuery extends LogPageQuery {
  @ApiPropertyOptional({ example: 'admin:bootstrap' })
  @IsOptional() @Length(1, 300, { message: 'actor must be 1 to 300 characters', context: { code: 'invalid_query' } }) actor?: string;

  @ApiPropertyOptional({ example: 'IndicatorReported' })
  @IsOptional() @Matches(EVENT_TYPE_NAME, { message: 'type must be an event type such as IndicatorReported', context: { code: 'invalid_query' } }) type?: string;
}
