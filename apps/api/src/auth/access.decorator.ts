import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, Role } from '#auth';

export const ACCESS = 'scoran:access';
/** `public`: anyone; `authenticated`: any valid token; a list of roles: those roles only. */
export type Access = 'public' | 'authenticated' | readonly Role[];
export const Allow = (access: Access) => SetMetadata(ACCESS, access);

/** The caller's principal (null for an anonymous reader). */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal | null => ctx.switchToHttp().getRequest().principal ?? null);

/** The actor recorded in events: the token id, never the token itself. */
export const actorOf = (p: Principal | null) => (p ? `${p.role}:${p.tokenId}${p.organisationId ? `@${p.organisationId}` : ''}` : 'anonymous');
