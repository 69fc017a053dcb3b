import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { FINDING_LIMITS, TEXT_LIMITS, ZONES } from '#domain';
import { QueryText } from '../http/query.dto.js';
import { AMEL_ZONE_RULE, IsCalendarDate, IsNonBlank, IsSlug, IsTerritory, IsTimestamp } from '../http/validators.js';
import { ApiSchemaRule } from '../http/openapi/api-contract.decorators.js';
import { registerDecorator } from 'class-validator';

/** A figure as the document prints it: a number or its words ("un peu plus de 80"); null when there is none. */
const IsFigureValue = () => (object: object, propertyName: string) => registerDecorator({
  name: 'isFigureValue', target: object.constructor, propertyName, options: { message: '$property must be a number, a text or null' },
  validator: { validate: (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && v.length <= FINDING_LIMITS.figureLabel) },
});

export class FindingFigureDto {
  @ApiProperty({ example: 'Prises construites, total régional (T1 2023)' }) @IsString() @IsNonBlank() @MaxLength(FINDING_LIMITS.figureLabel) label!: string;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string', maxLength: FINDING_LIMITS.figureLabel }], nullable: true, example: 1337268, description: 'as printed' }) @IsFigureValue() printed!: number | string | null;
  @ApiProperty({ oneOf: [{ type: 'number' }, { type: 'string', maxLength: FINDING_LIMITS.figureLabel }], nullable: true, example: 1401323, description: 'as the document\'s own numbers give it; null if nothing to recompute from' }) @IsFigureValue() recomputed!: number | string | null;
  @ApiPropertyOptional({ example: 'somme des totaux départementaux' }) @IsOptional() @IsString() @MaxLength(FINDING_LIMITS.figureLabel) recomputedAs?: string;
}

/**
 * The decider's rules across a target's fields: it names something (a null zone or territory counts),
 * an indicator with its sheet, and the AMEL zone only in the Eure-et-Loir or the region (`scope`);
 * ids and a section are never null.
 */
@ApiSchemaRule({ minProperties: 1, properties: { sheetId: { type: 'string' }, indicatorId: { type: 'string' }, section: { type: 'string' } } })
@ApiSchemaRule({ anyOf: [{ not: { required: ['indicatorId'] } }, { required: ['sheetId'] }] })
@ApiSchemaRule(AMEL_ZONE_RULE)
export class FindingTargetDto {
  @ApiPropertyOptional({ example: 'suivi-regional-infrastructures-numeriques' }) @IsOptional() @IsSlug() sheetId?: string;
  @ApiPropertyOptional({ example: 'prises-ftth-construites', description: 'with its sheetId' }) @IsOptional() @IsSlug() indicatorId?: string;
  @ApiPropertyOptional({ example: '24' }) @IsOptional() @IsTerritory() territory?: string;
  @ApiPropertyOptional({ enum: ZONES, nullable: true, description: 'null: the all-zones figure' }) @ValidateIf((_, v) => v !== undefined && v !== null) @IsIn(ZONES as unknown as string[]) zone?: string | null;
  @ApiPropertyOptional({ example: 'Annexe 2 – I. Fibrage' }) @IsOptional() @IsString() @IsNonBlank() @MaxLength(FINDING_LIMITS.section) section?: string;
}

export class ProvenanceDto {
  @ApiProperty({ example: 'Annexe 2 – I. Fibrage' }) @IsString() @IsNonBlank() @MaxLength(FINDING_LIMITS.section) section!: string;
  @ApiProperty({ description: 'verbatim' }) @IsString() @IsNonBlank() @MaxLength(FINDING_LIMITS.quote) quote!: string;
}

export class RecordFindingDto {
  @ApiProperty({ example: 'ftth-region-total-built-excludes-amel' }) @IsSlug() findingId!: string;
  @ApiProperty() @IsString() @IsNonBlank() @MaxLength(FINDING_LIMITS.description) description!: string;
  @ApiProperty({ type: [FindingFigureDto] }) @IsArray() @ArrayMaxSize(FINDING_LIMITS.figures) @ValidateNested({ each: true }) @Type(() => FindingFigureDto) figures!: FindingFigureDto[];
  @ApiProperty({ type: [FindingTargetDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(FINDING_LIMITS.refersTo) @ValidateNested({ each: true }) @Type(() => FindingTargetDto) refersTo!: FindingTargetDto[];
  @ApiPropertyOptional({ type: [ProvenanceDto] }) @IsOptional() @IsArray() @ArrayMaxSize(FINDING_LIMITS.provenance) @ValidateNested({ each: true }) @Type(() => ProvenanceDto) provenance?: ProvenanceDto[];
}

export class ResolveFindingDto {
  @ApiProperty({ example: 'Le total régional est servi par zone.' }) @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.explanation) resolution!: string;
  @ApiPropertyOptional({ example: '2024-01-31', description: 'the day it was resolved; today if omitted' }) @IsOptional() @IsCalendarDate() on?: string;
}

export class WithdrawFindingDto {
  @ApiProperty({ example: 'Lecture erronée du tableau.' }) @IsString() @IsNonBlank() @MaxLength(TEXT_LIMITS.reason) reason!: string;
}

const knownAtDoc = { example: '2024-01-31T12:00:00Z', description: 'record time: the findings, and their status, as the tracker knew them at this instant' };

/** The findings of a roadmap, as known at an instant. */
export class DataQualityQuery {
  @ApiPropertyOptional(knownAtDoc) @IsOptional() @IsTimestamp({ context: { code: 'invalid_timestamp' } }) knownAt?: string;
  @ApiPropertyOptional({ enum: ['open', 'resolved', 'withdrawn'] }) @IsOptional() @IsIn(['open', 'resolved', 'withdrawn'], { context: { code: 'invalid_query' } }) status?: 'open' | 'resolved' | 'withdrawn';
  @QueryText() sheetId?: string;
}

export class FindingQuery {
  @ApiPropertyOptional(knownAtDoc) @IsOptional() @IsTimestamp({ context: { code: 'invalid_timestamp' } }) knownAt?: string;
}

export class GovernanceQuery {
  @QueryText() version?: string;
  @ApiPropertyOptional({ ...knownAtDoc, description: 'record time: the facts recorded by this instant' }) @IsOptional() @IsTimestamp({ context: { code: 'invalid_timestamp' } }) knownAt?: string;
}

/** A finding as served (GET …/data-quality, …/findings/:findingId). */
export class FindingView {
  @ApiProperty() findingId!: string;
  @ApiProperty({ enum: ['open', 'resolved', 'withdrawn'] }) status!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [FindingFigureDto] }) figures!: FindingFigureDto[];
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'the named figures the comparison is worked out from (null: none), e.g. { "amelBuilt": 64055, "difference": 64055 }' }) workedFigures!: Record<string, unknown> | null;
  @ApiProperty({ type: [FindingTargetDto] }) refersTo!: FindingTargetDto[];
  @ApiProperty({ type: [ProvenanceDto] }) provenance!: ProvenanceDto[];
  @ApiProperty({ description: 'record time' }) recordedAt!: string;
  @ApiProperty() recordedBy!: string;
  @ApiProperty({ nullable: true, description: '{ resolution, on, recordedAt }' }) resolution!: object | null;
  @ApiProperty({ nullable: true, description: '{ reason, recordedAt }' }) withdrawal!: object | null;
}

export class DiscrepancyView extends FindingView {
  @ApiProperty({ description: 'the findingId' }) id!: string;
}

export class DataQualityView {
  @ApiProperty() roadmapId!: string;
  @ApiProperty({ type: String, nullable: true }) knownAt!: string | null;
  @ApiProperty({ type: [FindingView] }) findings!: FindingView[];
  @ApiProperty({ type: [DiscrepancyView], deprecated: true, description: 'the same list under its former name, each entry also keyed `id`' }) discrepancies!: DiscrepancyView[];
}
