import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested,
} from 'class-validator';
import { ABANDON_REASONS, ENJEUX, isIndicatorValue, isQualifier, isTerritory, isTrackedDate, QUALIFIERS, RETIRE_REASONS, SHEET_KINDS, SHEET_NUMBER, TEXT_LIMITS, UNITS, VERSION_LABEL, ZONES, type Qualifier, type Zone } from '#domain';
import { AMEL_ZONE_RULE, IsCalendarDate, IsDatedLabel, IsIndicatorValue, IsNonBlank, IsQualifier, IsSlug, IsTerritory, IsZone, isZone } from '../../http/validators.js';
import { ApiSchemaRule } from '../../http/openapi/api-contract.decorators.js';
import { admitsFields } from '../../http/validation.pipe.js';

const DATED = 'a date as printed (libs/domain dated.ts): 2023, 2023-Q1, 2023-06, 2023-06-07, 2022-late (fin 2022), 2024/.. (à partir de 2024), >2023/.. (après 2023)';

/**
 * A target's due date is given as printed (`due`, null when the source gives none) or as a day
 * (`by`). The decider also takes both when `by` is the last day of `due`, which a schema cannot say:
 * it says one of them, and that `by`, when checked, is a day and not null.
 */
@ApiSchemaRule({ oneOf: [{ required: ['due'] }, { required: ['by'] }], properties: { by: { type: 'string' } } })
@ApiSchemaRule(AMEL_ZONE_RULE)
export class TargetDto {
  @ApiProperty({ example: 40 }) @IsIndicatorValue() value!: number;
  @ApiPropertyOptional({ example: '2025', nullable: true, description: `due date, ${DATED}; null when the source gives none` })
  @ValidateIf((o: TargetDto) => o.due !== undefined && o.due !== null) @IsDatedLabel() due?: string | null;
  @ApiPropertyOptional({ example: '2026-06-30', description: 'a calendar day, read as the due date; required when due is absent' })
  @ValidateIf((o: TargetDto) => o.due === undefined || o.by !== undefined) @IsCalendarDate() by?: string;
  @ApiPropertyOptional({ example: 'à 3 ans', description: 'the relative words the due date was read from' }) @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.targetLabel) horizon?: string;
  @ApiPropertyOptional({ example: '41', description: 'INSEE code the target is for' }) @IsOptional() @IsTerritory() territory?: string;
  @ApiPropertyOptional({ enum: ZONES }) @IsOptional() @IsZone() zone?: Zone;
  @ApiPropertyOptional({ enum: QUALIFIERS, description: 'exact unless the source says "environ", "plus de"…' }) @IsOptional() @IsQualifier() qualifier?: Qualifier;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.targetLabel) label?: string;
}

export class IndicatorDto {
  @ApiProperty({ example: 'csirt-interventions' }) @IsSlug() indicatorId!: string;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.indicatorName) name!: string;
  @ApiProperty({ enum: UNITS }) @IsIn(UNITS as unknown as string[]) unit!: (typeof UNITS)[number];
  @ApiPropertyOptional({ type: TargetDto }) @IsOptional() @ValidateNested() @Type(() => TargetDto) target?: TargetDto;
  @ApiPropertyOptional({ type: [TargetDto] }) @IsOptional() @IsArray() @ArrayMaxSize(50) @ValidateNested({ each: true }) @Type(() => TargetDto) targets?: TargetDto[];
}

/** "Objectifs à 3 ans": a due date relative to another one, in the document's words (never a day). */
export class HorizonDto {
  @ApiProperty({ example: 'P3Y', description: 'an ISO 8601 duration in years, months or days' }) @Matches(/^P[1-9]\d{0,2}[YMD]$/) duration!: string;
  @ApiProperty({ example: '2023-06-26', description: `what the duration counts from, ${DATED}` }) @IsDatedLabel() from!: string;
  @ApiProperty({ example: 'à 3 ans' }) @IsString() @IsNonBlank() @MaxLength(60) printed!: string;
}

/** A due date as printed, or null beside a relative horizon ("à 3 ans"): one or the other, never both, never neither. */
@ApiSchemaRule({ anyOf: [
  { required: ['due'], properties: { due: { type: 'string' } }, not: { required: ['horizon'] } },
  { required: ['due', 'horizon'], properties: { due: { enum: [null] }, horizon: { type: 'object' } } },
] })
export class MilestoneDto {
  @ApiProperty({ example: 'launch' }) @IsSlug() milestoneId!: string;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.milestoneTitle) title!: string;
  @ApiProperty({ example: '2024-S2', nullable: true, description: `${DATED}; null only with a horizon` })
  @ValidateIf((o: MilestoneDto) => !(o.horizon !== undefined && o.due === null)) @IsDatedLabel() due!: string | null;
  @ApiPropertyOptional({ description: 'the source doubts the date ("au quatrième trimestre ?")' }) @IsOptional() @IsBoolean() uncertain?: boolean;
  @ApiPropertyOptional({ type: HorizonDto, description: 'a relative due date ("à 3 ans"); due is then null' }) @IsOptional() @ValidateNested() @Type(() => HorizonDto) horizon?: HorizonDto;
}

/**
 * Without a sheetId, one is derived from the title (`slugify`): the title must then hold a letter or
 * digit that survives it (ASCII, or a Latin-1 letter whose accent is dropped).
 */
@ApiSchemaRule({
  anyOf: [
    { required: ['sheetId'], properties: { sheetId: { type: 'string' } } },
    { properties: { title: { pattern: '[A-Za-z0-9\u00c0-\u00c5\u00c7-\u00cf\u00d1-\u00d6\u00d9-\u00dd\u00e0-\u00e5\u00e7-\u00ef\u00f1-\u00f6\u00f9-\u00fd\u00ff]' } } },
  ],
})
export class CreateSheetDto {
  @ApiPropertyOptional({ example: 'open-data-challenge', description: 'stable kebab-case id; derived from the title when absent' }) @IsOptional() @IsSlug() sheetId?: string;
  @ApiProperty({ example: 'scoran-centre-val-de-loire' }) @IsSlug() roadmapId!: string;
  @ApiProperty({ example: 'V4' }) @Matches(VERSION_LABEL) version!: string;
  @ApiProperty({ example: '3.10' }) @Matches(SHEET_NUMBER, { message: 'number must look like 4.13' }) number!: string;
  @ApiProperty({ enum: SHEET_KINDS }) @IsIn(SHEET_KINDS as unknown as string[]) kind!: (typeof SHEET_KINDS)[number];
  @ApiProperty({ enum: ENJEUX }) @IsIn(ENJEUX as unknown as string[]) enjeu!: (typeof ENJEUX)[number];
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.sheetTitle) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objective) objective?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.theme) theme?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.context) context?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.objectives) objectives?: string;
  @ApiProperty({ type: [String] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(50) @IsSlug({ each: true }) pilots!: string[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(200) @IsSlug({ each: true }) partners?: string[];
  @ApiProperty({ type: [IndicatorDto] }) @IsArray() @ArrayMaxSize(100) @ValidateNested({ each: true }) @Type(() => IndicatorDto) indicators!: IndicatorDto[];
  @ApiProperty({ type: [MilestoneDto] }) @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => MilestoneDto) milestones!: MilestoneDto[];
}

/** A report is dated as printed (`observed`) or by its day (`observedOn`); both only when the day is the last of `observed`, which the schema leaves out. */
@ApiSchemaRule({ oneOf: [{ required: ['observed'] }, { required: ['observedOn'] }], properties: { observedOn: { type: 'string' } } })
@ApiSchemaRule(AMEL_ZONE_RULE)
export class ReportIndicatorDto {
  @ApiProperty({ example: 12 }) @IsIndicatorValue() value!: number;
  @ApiPropertyOptional({ example: '2024-03-31', description: 'valid time: the day the value was true; required when observed is absent' })
  @ValidateIf((o: ReportIndicatorDto) => o.observed === undefined || o.observedOn !== undefined) @IsCalendarDate() observedOn?: string;
  @ApiPropertyOptional({ example: '2023-Q1', description: `valid time as printed, ${DATED}` }) @IsOptional() @IsDatedLabel() observed?: string;
  @ApiPropertyOptional({ enum: QUALIFIERS, description: 'exact unless the source says "environ", "plus de"…' }) @IsOptional() @IsQualifier() qualifier?: Qualifier;
  @ApiPropertyOptional({ example: '37', description: 'INSEE code: 24 (region) or 18, 28, 36, 37, 41, 45' }) @IsOptional() @IsTerritory() territory?: string;
  @ApiPropertyOptional({ enum: ZONES, description: 'the fibre table\'s breakdown (amel: Eure-et-Loir only)' }) @IsOptional() @IsZone() zone?: Zone;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reportSource) source?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reportComment) comment?: string;

  /**
   * The decorators' rules, checked by hand on the common case (StrictValidationPipe): a report dated
   * by its day. One dated as printed (`observed`) goes through class-validator.
   */
  static readonly admits = admitsFields({
    value: isIndicatorValue, observedOn: isTrackedDate, qualifier: isQualifier, territory: isTerritory,
    zone: isZone, source: textOf(TEXT_LIMITS.reportSource), comment: textOf(TEXT_LIMITS.reportComment),
  }, ['value', 'observedOn']);
}

/**
 * `@IsString() @MaxLength(max)` by hand: MaxLength counts a surrogate pair as one character, so a
 * text of at most `max` UTF-16 units is always within it (a longer one is left to class-validator).
 */
function textOf(max: number): (v: unknown) => boolean {
  return (v) => typeof v === 'string' && v.length <= max;
}

export class CorrectReportDto {
  @ApiProperty() @IsIndicatorValue() value!: number;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() observedOn?: string;
  @ApiPropertyOptional({ description: DATED }) @IsOptional() @IsDatedLabel() observed?: string;
  @ApiPropertyOptional({ enum: QUALIFIERS }) @IsOptional() @IsQualifier() qualifier?: Qualifier;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.reason) reason!: string;
}

/**
 * A milestone is reached on a day (`reachedOn`) or at a date as printed (`reached`) that has a start
 * (an open `../B` is refused); both only when the day is the last `reached` can mean, which the
 * schema leaves out.
 */
@ApiSchemaRule({ oneOf: [{ required: ['reached'] }, { required: ['reachedOn'] }], properties: { reachedOn: { type: 'string' }, reached: { pattern: '^[0-9]' } } })
export class ReachMilestoneDto {
  @ApiPropertyOptional({ example: '2024-06-15', description: 'a calendar day; required when reached is absent' })
  @ValidateIf((o: ReachMilestoneDto) => o.reached === undefined || o.reachedOn !== undefined) @IsCalendarDate() reachedOn?: string;
  @ApiPropertyOptional({ example: '2021-03', description: `when, as printed: ${DATED}` }) @IsOptional() @IsDatedLabel() reached?: string;
  @ApiPropertyOptional({ example: '2023-06-26', description: 'the day of the document that says so' }) @IsOptional() @IsCalendarDate() statedOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.evidence) evidence?: string;
}

export class RescheduleMilestoneDto {
  @ApiProperty({ example: '2025-S1', description: DATED }) @IsDatedLabel() due!: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() uncertain?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(TEXT_LIMITS.reason) reason?: string;
}

export class AbandonDto {
  @ApiProperty({ enum: ABANDON_REASONS }) @IsIn(ABANDON_REASONS as unknown as string[]) reason!: (typeof ABANDON_REASONS)[number];
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.explanation) explanation!: string;
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
  @ApiPropertyOptional() @IsOptional() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.sheetTitle) title?: string;
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
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.explanation) explanation!: string;
  @ApiPropertyOptional() @IsOptional() @IsCalendarDate() effectiveOn?: string;
  @ApiPropertyOptional() @IsOptional() @IsSlug() mergedInto?: string;
}
