import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { isTerritory, VERSION_LABEL } from '#domain';
import { admitsOnly, isVersionLabel, TIME_TRAVEL_RULES, TimeTravelQuery, QueryText } from '../../http/query.dto.js';
import { IsTerritory } from '../../http/validators.js';

/** The sheets list: of a version (and how each ended there), by enjeu, status, pilot, roadmap; in time. */
export class SheetListQuery extends TimeTravelQuery {
  @QueryText() version?: string;
  @QueryText() enjeu?: string;
  @QueryText() status?: string;
  @QueryText() pilot?: string;
  @QueryText() roadmapId?: string;
}

/** One sheet, in time; with `version`, as it was in that version of the roadmap. */
export class SheetQuery extends TimeTravelQuery {
  @ApiPropertyOptional({ example: 'V3', description: 'not with asOf or knownAt' })
  @IsOptional() @Matches(VERSION_LABEL, { message: 'version must be a version such as V3', context: { code: 'invalid_query' } }) version?: string;

  /** The decorators' rules, checked by hand on the common case (StrictValidationPipe). */
  static readonly admits = admitsOnly({ ...TIME_TRAVEL_RULES, version: isVersionLabel });
}

/** An indicator's series: one territory, or aggregated to the region; in time. */
export class SeriesQuery extends TimeTravelQuery {
  @ApiPropertyOptional({ example: '37' })
  @IsOptional() @IsTerritory({ message: 'territory must be 24 or one of 18, 28, 36, 37, 41, 45', context: { code: 'invalid_territory' } }) territory?: string;

  @ApiPropertyOptional({ enum: ['region'] })
  @IsOptional() @IsIn(['region'], { message: 'aggregate must be "region"', context: { code: 'invalid_aggregate' } }) aggregate?: 'region';

  /** The decorators' rules, checked by hand on the common case (StrictValidationPipe). */
  static readonly admits = admitsOnly({ ...TIME_TRAVEL_RULES, territory: isTerritory, aggregate: (value) => value === 'region' });
}
