import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsOptional, Matches, ValidateNested } from 'class-validator';
import { VERSION_LABEL } from '#domain';
import { IndicatorDto, MilestoneDto, ReviseSheetDto } from '../sheets/dto/sheet-write.dto.js';

/** Fields a carry-over may change: those of a revision, without its reason. */
export class SheetChangesDto extends OmitType(ReviseSheetDto, ['reason'] as const) {}

export class CarryOverDto {
  @ApiProperty({ example: 'V5', description: 'the draft version the sheet moves into' }) @Matches(VERSION_LABEL) toVersion!: string;
  @ApiPropertyOptional({ type: SheetChangesDto, description: 'e.g. a new number: { "number": "3.12" }' }) @IsOptional() @ValidateNested() @Type(() => SheetChangesDto) changes?: SheetChangesDto;
  @ApiPropertyOptional({ type: [IndicatorDto] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorDto) addedIndicators?: IndicatorDto[];
  @ApiPropertyOptional({ type: [MilestoneDto] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => MilestoneDto) addedMilestones?: MilestoneDto[];
}
