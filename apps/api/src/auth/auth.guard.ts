import { ForbiddenException, Inject, Injectable, Logger, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TokenStore, type Principal } from '#auth';
import { authenticateFresh } from './request-principal.js';
import { ACCESS, type Access } from './access.decorator.js';
import { redactUrl } from '../http/logger.js';

/**
 * Resolves the bearer token on every request, then applies the route's access rule. Refusals are
 * logged with their reason (never with the token); they are not domain events.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Access');
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenStore) private readonly tokens: TokenStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    // The request is the context's first argument, which is all switchToHttp().getRequest() returns;
    // switchToHttp() would also make three closures per call, which each request's guards pay.
    const request = context.getArgByIndex(0);
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS, [context.getHandler(), context.getClass()]) ?? 'public';
    const authentication = await authenticateFresh(request, this.tokens);
    if ('refused' in authentication) {
      this.refuse(request, `token ${authentication.refused}`);
      throw new UnauthorizedException({ statusCode: 401, error: 'unauthorized', message: `the bearer token is ${authentication.refused}` });
    }
    const principal = authentication.principal;
    request.principal = principal;
    if (access === 'public') return true;
    if (!principal) {
      this.refuse(request, 'no token');
      throw new UnauthorizedException({ statusCode: 401, error: 'unauthorized', message: 'this request needs an Authorization: Bearer <token> header' });
    }
    if (access !== 'authenticated' && !access.includes(principal.role)) {
      this.refuse(request, `role ${principal.role} not in ${access.join(',')}`, principal);
      throw new ForbiddenException({ statusCode: 403, error: 'forbidden', message: `this request needs one of the roles: ${access.join(', ')}` });
    }
    return true;
  }

  private refuse(request: { method?: string; url?: string; ip?: string }, reason: string, principal?: Principal): void {
    this.logger.warn({ msg: 'access refused', reason, method: request.method, url: redactUrl(request.url), ip: request.ip, tokenId: principal?.tokenId });
  }
}
