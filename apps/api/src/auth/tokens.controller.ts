import { Body, Controller, Delete, Get, Header, HttpCode, Logger, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, TokenStore, type Principal, type Role } from '#auth';
import { DomainError, invalid, notFound } from '#domain';
import { IsInstant, IsSlug } from '../http/validators.js';
import { isReferenceOrganisation } from '../dashboard/organisation-names.js';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { ApiErrors, ApiSchemaRule } from '../http/openapi/api-contract.decorators.js';
import { actorOf, Allow, Caller } from './access.decorator.js';

/** The rule `create` applies: a pilot token names its organisation, no other token does. */
@ApiSchemaRule({
  anyOf: [
    { properties: { role: { enum: ['pilot'] }, organisationId: { type: 'string' } }, required: ['organisationId'] },
    { properties: { role: { enum: ROLES.filter((r) => r !== 'pilot') }, organisationId: { nullable: true, enum: [null] } } },
  ],
})
export class CreateTokenDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
  @ApiPropertyOptional({ description: 'required for a pilot: the organisation it writes for' }) @IsOptional() @IsSlug() organisationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) label?: string;
  @ApiPropertyOptional({ description: 'ISO 8601 instant after which the token is refused' }) @IsOptional() @IsInstant() expiresAt?: string;
}

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/tokens')
export class TokensController {
  private readonly logger = new Logger('Tokens');
  constructor(private readonly tokens: TokenStore, private readonly readModels: ReadModels) {}

  @Post()
  @HttpCode(201)
  // The answer shows the token once: no cache keeps it, nor a store of idempotent answers shared through the log.
  @Header('Cache-Control', 'no-store')
  @Allow(['admin'])
  async create(@Body() dto: CreateTokenDto, @Caller() caller: Principal) {
    if (dto.role === 'pilot' && !dto.organisationId) throw invalid('organisation_required', 'a pilot token is bound to one organisation: give organisationId', { field: 'organisationId' });
    if (dto.role !== 'pilot' && dto.organisationId) throw invalid('organisation_not_allowed', 'only pilot tokens are bound to an organisation', { field: 'organisationId' });
    if (dto.expiresAt && Date.parse(dto.expiresAt) <= Date.now()) throw new DomainError('expiry_in_past', 'expiresAt must be in the future', 'rule', { field: 'expiresAt' });
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt).toISOString() : null;
    const { id, token, info } = await this.tokens.create({ role: dto.role, organisationId: dto.organisationId, label: dto.label, expiresAt }, actorOf(caller));
    const answer = { id, token, role: info.role, organisationId: info.organisationId, expiresAt: info.expiresAt };
    if (dto.organisationId && !this.isKnownOrganisation(dto.organisationId)) {
      // Flagged, not refused: a pilot may get its token before the sheet naming it is created.
      this.logger.warn({ msg: 'pilot token issued for an organisation no sheet nor the reference file knows', organisationId: dto.organisationId, tokenId: id });
      return { ...answer, warning: 'unknown_organisation', message: `no sheet is piloted by ${dto.organisationId} and the roadmap's reference file does not name it: check the id` };
    }
    return answer;
  }

  /** Known: named by the roadmap's reference file, or pilot of a sheet in the read models. */
  private isKnownOrganisation(organisationId: string): boolean {
    return isReferenceOrganisation(organisationId) || this.readModels.listSheets({ pilot: organisationId }).length > 0;
  }

  @Get()
  @Allow(['admin'])
  list() {
    return this.tokens.list();
  }

  @ApiErrors(404)
  @Delete(':id')
  @HttpCode(204)
  @Allow(['admin'])
  async revoke(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    if (!(await this.tokens.get(id))) throw notFound('token_not_found', `no token ${id}`);
    await this.tokens.revoke(id, actorOf(caller));
  }
}
