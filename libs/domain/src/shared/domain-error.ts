/**
 * A broken business rule, as a value with a stable code. The API maps `kind` to HTTP in one place:
 * invalid → 400, not_found → 404, conflict → 409, rule → 422, forbidden → 403.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'rule' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'rule',
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'not_found', details);
export const ruleBroken = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'rule', details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'conflict', details);
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 'invalid', details);
