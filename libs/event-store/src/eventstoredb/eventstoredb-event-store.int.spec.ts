import { describe, expect, it } from '@jest/globals';
import { ANY, NO_STREAM, STREAM_EXISTS, WrongExpectedVersionError } from '@eventstore/db-client';
import { WrongExpectedRevisionError } from '../event-store.port.js';
import {
  EventStoreDbEventStore,
  connect,
  eventPosition,
  mapAppendError,
  toExpectedRevision,
  toMetadata,
  toPosition,
} from './eventstoredb-event-store.js';

// Nothing listens on port 1 of the loopback: every call meets a refused connection.
const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false&defaultDeadline=3000';

describe('EventStoreDbEventStore without a server', () => {
  it('parses the connection string without connecting', async () => {
    const store = new EventStoreDbEventStore({ connectionString: 'esdb://admin:changeit@localhost:2113?tls=false&keepAliveInterval=15000' });
    expect(store.name).toBe('eventstoredb');
    await store.close();
  });

  it('rejects a missing or malformed connection string with a clear message, hiding credentials', () => {
    expect(() => connect('')).toThrow('EVENTSTORE_CONNECTION_STRING is required');
    expect(() => connect('http://localhost:2113')).toThrow(/Invalid EventStoreDB connection string "http:\/\/localhost:2113": .*esdb:\/\//);
    expect(() => connect('esdb://admin:secret@localhost:2113?tls=maybe')).toThrow(/"esdb:\/\/\*\*\*@localhost:2113\?tls=maybe"/);
    expect(() => connect('esdb://admin:secret@localhost:2113?tls=maybe')).not.toThrow(/secret/);
  });

  it('fails an append against an unreachable server instead of hanging', async () => {
    const store = new EventStoreDbEventStore({ connectionString: UNREACHABLE });
    try {
      await expect(
        store.appendToStream('sheet-a', [{ type: 'A', data: {}, metadata: { actor: 'a', correlationId: 'c', causationId: null, source: 's' } }]),
      ).rejects.toThrow(/UNAVAILABLE|ECONNREFUSED|connect/i);
      await expect(store.readStream('sheet-a')).rejects.toThrow();
    } finally {
      await store.close();
    }
  });

  it('keeps a subscription retrying while the server is unreachable, and stops cleanly', async () => {
    const store = new EventStoreDbEventStore({ connectionString: UNREACHABLE, pollIntervalMs: 50 });
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll(() => undefined, { onError: (error) => errors.push(error) });
    await expect(subscription.waitFor(1, 400)).rejects.toThrow('Timed out');
    expect(errors).toEqual([]);
    await store.close();
    await expect(subscription.waitFor(1)).rejects.toThrow('stopped');
  });

  it('refuses calls once closed', async () => {
    const store = new EventStoreDbEventStore({ connectionString: UNREACHABLE });
    await store.close();
    await expect(store.headPosition()).rejects.toThrow('closed');
  });
});

describe('EventStoreDB mappings', () => {
  it('maps expected revisions to the client constants', () => {
    expect(toExpectedRevision('any')).toBe(ANY);
    expect(toExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toExpectedRevision(0)).toBe(0n);
    expect(toExpectedRevision(41)).toBe(41n);
    expect(() => toExpectedRevision(-1)).toThrow(TypeError);
    expect(() => toExpectedRevision(1.5)).toThrow(TypeError);
  });

  it('turns the server conflict into the port error, with the caller expectation and the actual revision', () => {
    const conflict = mapAppendError(
      new WrongExpectedVersionError(undefined, { streamName: 'sheet-a', expected: 2n, current: 5n }),
      'sheet-a',
      2,
    );
    expect(conflict).toBeInstanceOf(WrongExpectedRevisionError);
    expect(conflict).toMatchObject({ stream: 'sheet-a', expected: 2, actual: 5 });
    const missing = mapAppendError(
      new WrongExpectedVersionError(undefined, { streamName: 'sheet-b', expected: STREAM_EXISTS, current: NO_STREAM }),
      'sheet-b',
      'stream_exists',
    );
    expect(missing).toMatchObject({ stream: 'sheet-b', expected: 'stream_exists', actual: -1 });
    const other = new Error('14 UNAVAILABLE');
    expect(mapAppendError(other, 'sheet-a', 'any')).toBe(other);
  });

  it('uses the commit position as the global position', () => {
    expect(toPosition(1234)).toEqual({ commit: 1234n, prepare: 1234n });
    expect(eventPosition({ commit: 1234n, prepare: 1234n }, undefined)).toBe(1234);
    expect(eventPosition({ commit: 0n, prepare: 0n }, 777n)).toBe(777);
    expect(() => eventPosition(undefined, undefined)).toThrow('without a log position');
  });

  it('completes metadata of events written by others from the server record', () => {
    const created = new Date('2023-06-01T10:00:00.000Z');
    expect(toMetadata(undefined, created)).toMatchObject({ recordedAt: '2023-06-01T10:00:00.000Z', schemaVersion: 1, actor: 'unknown' });
    expect(
      toMetadata({ recordedAt: '2023-01-01T00:00:00.000Z', schemaVersion: 2, actor: 'pilot:region', correlationId: 'c' }, created),
    ).toMatchObject({ recordedAt: '2023-01-01T00:00:00.000Z', schemaVersion: 2, actor: 'pilot:region', correlationId: 'c' });
  });
});
