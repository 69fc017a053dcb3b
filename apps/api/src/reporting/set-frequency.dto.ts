import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn, ValidateIf } from 'class-validator';
import { REPORTING_FREQUENCIES, type ReportingFrequency } from '#domain';

export class SetFrequencyDto {
  @ApiProperty({ enum: REPORTING_FREQUENCIES, nullable: true, description: 'how often the indicator is to be reported; null: no frequency' })
  @IsDefined({ message: 'frequency must be given (null for none)' })
  @ValidateIf((o: SetFrequencyDto) => o.frequency !== null)
  @IsIn(REPORTING_FREQUENCIES as unknown as string[])
  frequency!: ReportingFrequency | null;
}
