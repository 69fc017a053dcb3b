import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { ROLES, TokenStore, type Principal, type Role } from '#auth';
import { DomainError, invalid, notFound } from '#domain';
import { IsSlug } from '../http/validators.js';
import { actorOf, Allow, Caller } from './access.decorator.js';

export class CreateTokenDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES as unknown as string[]) role!: Role;
  @ApiPropertyOptional({ description: 'required for a pilot: the organisation it writes for' }) @IsOptional() @IsSlug() organisationId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) label?: string;
  @ApiPropertyOptional({ description: 'ISO 8601 instant after which the token is refused' }) @IsOptional() @IsISO8601({ strict: true }) expiresAt?: string;
}

@ApiTags('tokens')
@ApiBearerAuth()
@Controller('api/tokens')
export class TokensController {
  constructor(private readonly tokens: TokenStore) {}

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
    return { id, token, role: info.role, organisationId: info.organisationId, expiresAt: info.expiresAt };
  }

  @Get()
  @Allow(['admin'])
  list() {
    return this.tokens.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow(['admin'])
  async revoke(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    if (!(await this.tokens.get(id))) throw notFound('token_not_found', `no token ${id}`);
    await this.tokens.revoke(id, actorOf(caller));
  }
}
