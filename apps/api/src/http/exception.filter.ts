import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '#domain';
import { WrongExpectedRevisionError } from '#event-store';
import type { Problem } from './problem.js';
import { StoredNotVisible } from './read-your-writes.js';
import { NotModified } from './cache-headers.js';

const STATUS_BY_KIND = { invalid: 400, not_found: 404, conflict: 409, rule: 422, forbidden: 403 } as const;

/** The one place where errors become HTTP answers. Stack traces never leave the process. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof StoredNotVisible) {
      // Not a failure of the write: 202, with what a 201 would carry, and why reading it back may not find it yet.
      this.logger.warn(exception.message);
      void reply.status(202).type('application/json').send({ ...exception.result, visible: false, warning: 'read_models_behind', message: exception.message });
      return;
    }
    if (exception instanceof NotModified) {
      void reply.status(304).header('ETag', exception.etag).send();
      return;
    }
    const problem = this.toProblem(exception);
    if (problem.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack ?? exception.message : String(exception));
    if (problem.statusCode === 429 && problem.details?.retryAfterSeconds) reply.header('Retry-After', String(problem.details.retryAfterSeconds));
    void reply.status(problem.statusCode).type('application/json').send(problem);
  }

  private toProblem(exception: unknown): Problem {
    if (exception instanceof DomainError) {
      return { statusCode: STATUS_BY_KIND[exception.kind], error: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
    }
    if (exception instanceof WrongExpectedRevisionError) {
      return { statusCode: 409, error: 'concurrent_update', message: 'the sheet changed while the command was decided; retry' };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'object' && body !== null && 'error' in body && 'statusCode' in body && typeof (body as Problem).error === 'string' && (body as Problem).message) {
        return body as Problem;
      }
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      return { statusCode: status, error: errorName(status), message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) };
    }
    // Fastify's own errors (bad JSON, body too large, wrong content type) carry a statusCode.
    const fastify = exception as { statusCode?: number; code?: string; message?: string };
    if (typeof fastify?.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
      return { statusCode: fastify.statusCode, error: errorName(fastify.statusCode, fastify.code), message: fastify.message ?? 'bad request' };
    }
    return { statusCode: 500, error: 'internal_error', message: 'the server could not answer; the failure was logged' };
  }
}

function errorName(status: number, code?: string): string {
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'malformed_json';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'unsupported_media_type';
  if (code === 'SCORAN_INVALID_UTF8') return 'invalid_utf8';
  const names: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict', 413: 'payload_too_large', 415: 'unsupported_media_type', 422: 'unprocessable', 429: 'too_many_requests' };
  return names[status] ?? 'error';
}
