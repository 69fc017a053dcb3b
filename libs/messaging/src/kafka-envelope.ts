import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { StoredEvent } from '#event-store';

/** The topic the relay publishes to unless told otherwise. */
export const DEFAULT_EVENTS_TOPIC = 'scoran.events';

export const EVENT_ID_HEADER = 'event-id';
export const EVENT_TYPE_HEADER = 'event-type';
export const EVENT_POSITION_HEADER = 'event-position';

/**
 * The wire form of a stored event: key = stream (so one stream's events share a partition and keep
 * their order), value = the StoredEvent envelope as JSON, headers for routing without parsing.
 */
export function toKafkaMessage(event: StoredEvent): Message {
  return {
    key: event.stream,
    value: JSON.stringify(event),
    headers: {
      [EVENT_ID_HEADER]: event.id,
      [EVENT_TYPE_HEADER]: event.type,
      [EVENT_POSITION_HEADER]: String(event.position),
    },
  };
}

export class InvalidEventMessageError extends Error {
  constructor(
    message: string,
    readonly offset: string,
  ) {
    super(message);
    this.name = 'InvalidEventMessageError';
  }
}

/** Parses a message written by `toKafkaMessage`; throws InvalidEventMessageError for anything else. */
export function fromKafkaMessage(message: KafkaMessage): StoredEvent {
  if (message.value === null) throw new InvalidEventMessageError('Message has no value', message.offset);
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    throw new InvalidEventMessageError(`Message value is not JSON: ${(error as Error).message}`, message.offset);
  }
  if (!isStoredEvent(parsed)) throw new InvalidEventMessageError('Message value is not an event envelope', message.offset);
  const headerId = headerText(message.headers, EVENT_ID_HEADER);
  if (headerId !== undefined && headerId !== parsed.id) {
    throw new InvalidEventMessageError(`Header ${EVENT_ID_HEADER} ${headerId} differs from the envelope id ${parsed.id}`, message.offset);
  }
  return parsed;
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function isStoredEvent(value: unknown): value is StoredEvent {
  if (typeof value !== 'object' || value === null) return false;
  const event = value as Record<string, unknown>;
  return (
    typeof event.id === 'string' &&
    typeof event.type === 'string' &&
    typeof event.stream === 'string' &&
    Number.isInteger(event.revision) &&
    Number.isInteger(event.position) &&
    typeof event.metadata === 'object' &&
    event.metadata !== null
  );
}
