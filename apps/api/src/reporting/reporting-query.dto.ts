import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

const code = { context: { code: 'invalid_query' } };

export class ImportQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: every row decided, nothing written' })
  @IsOptional() @IsIn(['true', 'false'], { message: 'dryRun must be true or false', ...code }) dryRun?: 'true' | 'false';
}

export class DueQuery {
  @ApiPropertyOptional({ enum: ['true'], description: 'only what is late' })
  @IsOptional() @IsIn(['true'], { message: 'overdue must be true when given', ...code }) overdue?: 'true';
}
