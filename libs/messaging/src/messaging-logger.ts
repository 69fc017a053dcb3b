import type { logCreator } from 'kafkajs';
import { kafkajs } from './kafkajs.js';
import { pino } from 'pino';

/** The subset of a pino logger the relay and the consumer use; a pino logger fits as is. */
export interface MessagingLogger {
  debug(context: object, message?: string): void;
  info(context: object, message?: string): void;
  warn(context: object, message?: string): void;
  error(context: object, message?: string): void;
}

export function defaultLogger(name: string): MessagingLogger {
  return pino({ name, level: process.env.LOG_LEVEL ?? 'info' });
}

/**
 * Routes kafkajs's own log lines into our logger. Its ERROR lines are mostly transient broker
 * errors that the relay and consumer retry and report themselves, hence one level lower.
 */
export function kafkajsLogCreator(logger: MessagingLogger): logCreator {
  const { logLevel } = kafkajs();
  return () =>
    ({ namespace, level, log }) => {
      const { message, ...context } = log;
      const entry = { kafkajs: namespace, ...context };
      // The relay limits producer retries on purpose (see KafkaRelay); this warning would repeat at every reconnect.
      if (message.startsWith('Limiting retries for the idempotent producer')) logger.debug(entry, message);
      else if (level === logLevel.ERROR || level === logLevel.WARN) logger.warn(entry, message);
      else logger.debug(entry, message);
    };
}
