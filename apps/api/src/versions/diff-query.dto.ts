import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import { VERSION_LABEL } from '#domain';

/** The two versions to compare (the diff checks the roadmap has them). */
export class DiffQuery {
  @ApiProperty({ example: 'V3' }) @Matches(VERSION_LABEL, { message: 'from must be a version such as V3', context: { code: 'invalid_query' } }) from!: string;
  @ApiProperty({ example: 'V4' }) @Matches(VERSION_LABEL, { message: 'to must be a version such as V4', context: { code: 'invalid_query' } }) to!: string;
}
