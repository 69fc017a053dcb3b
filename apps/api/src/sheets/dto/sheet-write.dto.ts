import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsNumber, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateNested,
} from 'class-validator';
import { ABANDON_REASONS, ENJEUX, RETIRE_REASONS, SHEET_KINDS, SHEET_NUMBER, TEXT_LIMITS, UNITS, VERSION_LABEL } from '#domain';
import { IsCalendarDate, IsPeriod, IsSlug, IsTerritory } from '../../http/validators.js';

const finite = { allowNaN: false, allowInfinity: false };

export class TargetDto {
  @ApiProperty({ example: 40 }) @IsNumber(finite) value!: number;
  @ApiProperty({ example: '2026-06-30', description: 'calendar day by which the value is to be reached' }) @IsCalendarDate() by!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.targetLabel) label?: string;
}

export class IndicatorDto {
  @ApiProperty({ example: 'csirt-interventions' }) @IsSlug() indicatorId!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.indicatorName) name!: string;
  @ApiProperty({ enum: UNITS }) @IsIn(UNITS as unknown as string[]) unit!: (typeof UNITS)[number];
  @ApiPropertyOptional({ type: TargetDto }) @IsOptional() @ValidateNested() @Type(() => TargetDto) target?: TargetDto;
  @ApiPropertyOptional({ type: [TargetDto] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => TargetDto) targets?: TargetDto[];
}

export class MilestoneDto {
  @ApiProperty({ example: 'launch' }) @IsSlug() milestoneId!: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.milestoneTitle) title!: string;
  @ApiProperty({ example: '2024-S2', description: 'YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD or a range A/B' }) @IsPeriod() due!: string;
}

export class CreateSheetDto {
  @ApiPropertyOptional({ example: 'open-data-challenge', description: 'stable kebab-case id; derived from the title when absent' }) @IsOptional() @IsSlug() sheetId?: string;
  @ApiProperty({ example: 'scoran-centre-val-de-loire' }) @IsSlug() roadmapId!: string;
  @ApiProperty({ example: 'V4' }) @Matches(VERSION_LABEL) version!: string;
  @ApiProperty({ example: '3.10' }) @Matches(SHEET_NUMBER, { message: 'number must look like 4.13' }) number!: string;
  @ApiProperty({ enum: SHEET_KINDS }) @IsIn(SHEET_KINDS as unknown as string[]) kind!: (typeof SHEET_KINDS)[number];
  @ApiProperty({ enum: ENJEUX }) @IsIn(ENJEUX as unknown as string[]) enjeu!: (typeof ENJEUX)[number];
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.sheetTitle) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objective) objective?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.theme) theme?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.context) context?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objectives) objectives?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @IsSlug({ each: true }) pilots!: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IsSlug({ each: true }) partners?: string[];
  @ApiProperty({ type: [IndicatorDto] }) @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorDto) indicators!: IndicatorDto[];
  @ApiProperty({ type: [MilestoneDto] }) @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones!: MilestoneDto[];
}

export class ReportIndicatorDto {
  @ApiProperty({ example: 12 }) @IsNumber(finite) value!: number;
  @ApiProperty({ example: '2024-03-31', description: 'valid time: the day the value was true' }) @IsCalendarDate() observedOn!: string;
  @ApiPropertyOptional({ example: '37', description: 'INSEE code: 24 (region) or 18, 28, 36, 37, 41, 45' }) @IsOptional() @IsTerritory() territory?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reportSource) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reportComment) comment?: string;
}

export class CorrectReportDto {
  @ApiProperty() @IsNumber(finite) value!: number;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() observedOn?: string;
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.reason) reason!: string;
}

export class ReachMilestoneDto {
  @ApiProperty({ example: '2024-06-15' }) @IsCalendarDate() reachedOn!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.evidence) evidence?: string;
}

export class RescheduleMilestoneDto {
  @ApiProperty({ example: '2025-S1' }) @IsPeriod() due!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reason) reason?: string;
}

export class AbandonDto {
  @ApiProperty({ enum: ABANDON_REASONS }) @IsIn(ABANDON_REASONS as unknown as string[]) reason!: (typeof ABANDON_REASONS)[number];
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.explanation) explanation!: string;
  @ApiProperty({ example: '2024-01-31' }) @IsCalendarDate() effectiveOn!: string;
}

export class CompleteDto {
  @ApiProperty({ example: '2025-12-31' }) @IsCalendarDate() completedOn!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.summary) summary?: string;
}

export class SetTargetDto extends TargetDto {}

export class ReviseSheetDto {
  @ApiPropertyOptional() @IsOptional() @Matches(SHEET_NUMBER) number?: string;
  @ApiPropertyOptional({ enum: SHEET_KINDS }) @IsOptional() @IsIn(SHEET_KINDS as unknown as string[]) kind?: (typeof SHEET_KINDS)[number];
  @ApiPropertyOptional({ enum: ENJEUX }) @IsOptional() @IsIn(ENJEUX as unknown as string[]) enjeu?: (typeof ENJEUX)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.sheetTitle) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objective) objective?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.theme) theme?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.context) context?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objectives) objectives?: string;
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMinSize(1) @IsSlug({ each: true }) pilots?: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @IsSlug({ each: true }) partners?: string[];
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reason) reason?: string;
}

export class RetireSheetDto {
  @ApiProperty({ enum: RETIRE_REASONS }) @IsIn(RETIRE_REASONS as unknown as string[]) reason!: (typeof RETIRE_REASONS)[number];
  @ApiProperty() @IsString() @MinLength(1) @MaxLength(TEXT_LIMITS.explanation) explanation!: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() effectiveOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsSlug() mergedInto?: string;
}
