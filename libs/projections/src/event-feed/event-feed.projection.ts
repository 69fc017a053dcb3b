import type { Database, Statement } from 'better-sqlite3';
import { isPrivateStream, type LoggedEvent } from '#event-store';
import type { Projection } from '../projection.js';

/**
 * Where each event of the public streams sits in the log, with the two fields the audit trail filters
 * on (`actor`, `type`) and its record time: GET /api/history pages through it, then reads the events
 * themselves from their streams (GlobalHistory), and the open-data catalogue dates itself by its last row.
 */
export class EventFeedProjection implements Projection<LoggedEvent> {
  readonly name = 'event-feed';
  // 2: only the columns a query reads (the event's id, its sheet, source, correlation and a summary in
  //    words were written for every event and read by nothing), and no index by sheet (no query used it).
  readonly version = 2;
  readonly tables = ['event_feed'] as const;
  private insert: Statement | null = null;

  setup(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS event_feed (
      position INTEGER PRIMARY KEY, type TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL, recordedAt TEXT NOT NULL, actor TEXT NOT NULL
    );`);
    this.insert = null;
  }

  apply(db: Database, events: readonly LoggedEvent[]): void {
    // Positional parameters: binding by name costs about twice as much per row.
    this.insert ??= db.prepare('INSERT INTO event_feed VALUES (?, ?, ?, ?, ?, ?)');
    for (const e of events) {
      if (isPrivateStream(e.stream)) continue;
      this.insert.run(e.position, e.type, e.stream, e.revision, e.metadata.recordedAt, e.metadata.actor);
    }
  }
}
