import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { completeMetadata, nowInstant } from './event-envelope.js';

describe('nowInstant', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('gives the clock\'s instant in the stored form, a new one as soon as the millisecond changes', () => {
    jest.useFakeTimers({ now: Date.parse('2026-06-26T09:30:00.123Z') });
    expect(nowInstant()).toBe('2026-06-26T09:30:00.123Z');
    expect(nowInstant()).toBe('2026-06-26T09:30:00.123Z');
    jest.setSystemTime(Date.parse('2026-06-26T09:30:00.124Z'));
    expect(nowInstant()).toBe('2026-06-26T09:30:00.124Z');
    // The clock set back (an NTP step) is followed too: the text is the clock's, not a maximum.
    jest.setSystemTime(Date.parse('2026-06-26T09:29:59.999Z'));
    expect(nowInstant()).toBe('2026-06-26T09:29:59.999Z');
  });

  it('stamps metadata without a record time with it, and keeps a given one (normalised)', () => {
    jest.useFakeTimers({ now: Date.parse('2027-01-02T03:04:05.006Z') });
    const meta = { actor: 'pilot', correlationId: 'c', causationId: null, source: 'api' };
    expect(completeMetadata(meta)).toEqual({ ...meta, recordedAt: '2027-01-02T03:04:05.006Z', schemaVersion: 1 });
    expect(completeMetadata({ ...meta, recordedAt: '2023-06-26T12:00:00+02:00' }).recordedAt).toBe('2023-06-26T10:00:00.000Z');
  });
});
