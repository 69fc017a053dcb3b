import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { AppConfig } from '#config';
import type { Problem } from './problem.js';

/**
 * Refusals that Fastify and Node decide before any route runs (a URL that cannot be decoded, a path
 * segment too long for the router, a request that cannot be parsed or arrives too slowly) answer
 * in the API's one error shape too. None of them echoes the request: a 10 000-character segment
 * must not come back in the answer (nor land in a log).
 */
const FRAMEWORK_PROBLEMS: Record<string, Problem> = {
  FST_ERR_BAD_URL: { statusCode: 400, error: 'bad_url', message: 'the URL is not valid percent-encoded UTF-8' },
  FST_ERR_MAX_PARAM_LENGTH: { statusCode: 414, error: 'uri_too_long', message: 'a path segment is longer than the router accepts' },
  FST_ERR_ASYNC_CONSTRAINT: { statusCode: 400, error: 'bad_request', message: 'the request matches no route constraint' },
};

export function frameworkErrors(error: { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
  const problem = FRAMEWORK_PROBLEMS[error.code ?? ''] ?? { statusCode: 400, error: 'bad_request', message: 'the request could not be routed' };
  void reply.code(problem.statusCode).type('application/json').send(problem);
}

/** What Node's HTTP parser refuses (before Fastify sees a request), by its error code. */
export function clientProblem(code: string | undefined): Problem {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { statusCode: 408, error: 'request_timeout', message: 'the request did not arrive in time; the connection is closed' };
  if (code === 'HPE_HEADER_OVERFLOW') return { statusCode: 431, error: 'headers_too_large', message: 'the request headers are larger than the server accepts' };
  if (code === 'HPE_INVALID_CONTENT_LENGTH' || code === 'HPE_UNEXPECTED_CONTENT_LENGTH') return { statusCode: 400, error: 'bad_content_length', message: 'the Content-Length header is not valid for this request' };
  if (code === 'HPE_INVALID_METHOD') return { statusCode: 400, error: 'bad_request', message: 'the request method is not valid HTTP' };
  return { statusCode: 400, error: 'bad_request', message: 'the request is not valid HTTP' };
}

/**
 * Answers a request Node could not parse or that timed out, then closes the connection. Written
 * only when nothing of an answer has left yet (as Node's own handler does), so a peer never gets
 * two answers interleaved.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const problem = clientProblem(error.code);
    const body = JSON.stringify(problem);
    socket.write(`HTTP/1.1 ${problem.statusCode} ${STATUS_CODES[problem.statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}

/** The server options of the API: timeouts for slow clients and the handlers above. */
export function serverOptions(config: AppConfig): Pick<FastifyServerOptions, 'requestTimeout' | 'connectionTimeout' | 'keepAliveTimeout' | 'frameworkErrors' | 'clientErrorHandler'> & { http: object } {
  const { requestTimeoutMs, headersTimeoutMs, keepAliveTimeoutMs, connectionTimeoutMs } = config.timeouts;
  return {
    requestTimeout: requestTimeoutMs,
    connectionTimeout: connectionTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
    // Node checks its deadlines every `connectionsCheckingInterval` (30 s by default), which would let
    // a slow client hold a connection well past them.
    http: { headersTimeout: headersTimeoutMs, connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(Math.min(requestTimeoutMs, headersTimeoutMs) / 4))) },
    frameworkErrors: frameworkErrors as FastifyServerOptions['frameworkErrors'],
    clientErrorHandler,
  };
}
