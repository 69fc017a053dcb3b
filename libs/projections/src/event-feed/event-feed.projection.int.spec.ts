import { describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import type { LoggedEvent } from '#event-store';
import { EventFeedProjection } from './event-feed.projection.js';

const event = (position: number): LoggedEvent => ({
  position, stream: position % 7 === 0 ? `access-${position}` : position % 11 === 0 ? `idempotency-${position}` : `sheet-${position % 5}`,
  revision: position, type: `T${position % 3}`, data: {}, metadata: { recordedAt: `2024-01-01T00:00:${String(position % 60).padStart(2, '0')}.000Z`, schemaVersion: 1, actor: `actor-${position % 4}` },
});

describe('EventFeedProjection', () => {
  it('writes one row per event of a public stream, in batches of any size, many rows to a statement or one', () => {
    const db = new Database(':memory:');
    const feed = new EventFeedProjection();
    feed.setup(db);
    // 1 event, then 250 (two statements of 100 rows and 50 single rows), then 99, then 100.
    const batches = [[1], Array.from({ length: 250 }, (_, i) => i + 2), Array.from({ length: 99 }, (_, i) => i + 252), Array.from({ length: 100 }, (_, i) => i + 351)];
    for (const b of batches) feed.apply(db, b.map(event));
    const expected = batches.flat().map(event).filter((e) => !/^(access|idempotency)-/.test(e.stream))
      .map((e) => [e.position, e.type, e.stream, e.revision, e.metadata.recordedAt, e.metadata.actor]);
    expect(db.prepare('SELECT * FROM event_feed ORDER BY position').raw().all()).toEqual(expected);
    expect(expected.length).toBeGreaterThan(300);
    db.close();
  });
});
