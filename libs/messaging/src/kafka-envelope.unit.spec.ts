import { describe, expect, it } from '@jest/globals';
import type { KafkaMessage } from 'kafkajs';
import type { StoredEvent } from '#event-store';
import { backoffDelay } from './backoff.js';
import { InvalidEventMessageError, fromKafkaMessage, toKafkaMessage } from './kafka-envelope.js';

const event: StoredEvent = {
  id: '0b7e8f51-8d1c-4a7e-9a53-3f0f3e0c9c11',
  type: 'sheet.indicator-value-recorded',
  stream: 'sheet-open-data-challenge',
  revision: 3,
  position: 1042,
  data: { indicatorId: 'datasets-published', value: 12, observedOn: '2023-03-31' },
  metadata: {
    recordedAt: '2023-06-12T08:30:00.000Z',
    actor: 'pilot:region-centre-val-de-loire',
    correlationId: 'c-1',
    causationId: null,
    source: 'api',
    schemaVersion: 1,
  },
};

/** A message as the broker hands it back: every field bytes. */
function received(message: ReturnType<typeof toKafkaMessage>, offset = '7'): KafkaMessage {
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return {
    key: Buffer.from(String(message.key)),
    value: message.value === null || message.value === undefined ? null : Buffer.from(String(message.value)),
    headers,
    offset,
    timestamp: '0',
    attributes: 0,
  } as KafkaMessage;
}

describe('the Kafka wire form of a stored event', () => {
  it('keys by stream, carries the envelope unchanged and the id, type and position as headers', () => {
    const message = toKafkaMessage(event);
    expect(message.key).toBe('sheet-open-data-challenge');
    expect(message.headers).toEqual({ 'event-id': event.id, 'event-type': event.type, 'event-position': '1042' });
    expect(fromKafkaMessage(received(message))).toEqual(event);
  });

  it('rejects what is not an envelope, or whose id header contradicts it', () => {
    const message = toKafkaMessage(event);
    expect(() => fromKafkaMessage(received({ ...message, value: null }))).toThrow(InvalidEventMessageError);
    expect(() => fromKafkaMessage(received({ ...message, value: 'not json' }))).toThrow('not JSON');
    expect(() => fromKafkaMessage(received({ ...message, value: JSON.stringify({ id: 'x' }) }))).toThrow('not an event envelope');
    expect(() => fromKafkaMessage(received({ ...message, headers: { 'event-id': 'another-id' } }))).toThrow('differs from the envelope id');
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the ceiling, with jitter in the upper half', () => {
    const options = { initialMs: 100, maxMs: 1000 };
    for (let i = 0; i < 50; i++) {
      expect(backoffDelay(0, options)).toBeGreaterThanOrEqual(50);
      expect(backoffDelay(0, options)).toBeLessThanOrEqual(100);
      expect(backoffDelay(3, options)).toBeGreaterThanOrEqual(400);
      expect(backoffDelay(3, options)).toBeLessThanOrEqual(800);
      expect(backoffDelay(60, options)).toBeGreaterThanOrEqual(500);
      expect(backoffDelay(60, options)).toBeLessThanOrEqual(1000);
    }
  });
});
