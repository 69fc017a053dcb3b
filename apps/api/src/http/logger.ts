import type { LoggerService } from '@nestjs/common';
import { pino, stdSerializers, type Logger } from 'pino';

/**
 * A URL as the logs show it: the path and the names of its query parameters, never their values
 * (a client may put a token, or anything else it should not, in a query string). A path segment
 * longer than a route accepts is cut, so a 10 000-character id does not fill the log.
 */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const [path = '', query] = url.split(/\?(.*)/s, 2);
  const shortPath = path.split('/').map((segment) => (segment.length > 200 ? `${segment.slice(0, 40)}…[${segment.length} chars]` : segment)).join('/');
  if (query === undefined) return shortPath;
  const names = query.split('&').filter(Boolean).map((pair) => `${pair.split('=')[0]!.slice(0, 100)}=[redacted]`);
  return `${shortPath}?${names.join('&')}`;
}

/** One pino logger for Fastify's request logs and Nest's own; secrets are redacted at the source. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.token', 'token'], censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; id?: unknown; ip?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      err: stdSerializers.err,
      url: (url: string) => redactUrl(url),
    },
  });
}

export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace', message: unknown, context?: unknown) {
    if (typeof message === 'object' && message !== null) this.logger[level]({ context, ...(message as object) });
    else this.logger[level]({ context }, String(message));
  }
  log(message: unknown, context?: string) { this.write('info', message, context); }
  error(message: unknown, trace?: string, context?: string) { this.logger.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string) { this.write('warn', message, context); }
  debug(message: unknown, context?: string) { this.write('debug', message, context); }
  verbose(message: unknown, context?: string) { this.write('trace', message, context); }
}
