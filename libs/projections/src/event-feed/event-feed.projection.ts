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
  private insertMany: Statement | null = null;

  setup(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS event_feed (
      position INTEGER PRIMARY KEY, type TEXT NOT NULL, stream TEXT NOT NULL, revision INTEGER NOT NULL, recordedAt TEXT NOT NULL, actor TEXT NOT NULL
    );`);
    this.insert = null;
    this.insertMany = null;
  }

  apply(db: Database, events: readonly LoggedEvent[]): void {
    // Positional parameters: binding by name costs about twice as much per row. A replay's batches go
    // in ROWS_PER_INSERT rows per statement: one call and one statement step for many rows.
    this.insert ??= db.prepare('INSERT INTO event_feed VALUES (?, ?, ?, ?, ?, ?)');
    const rows = events.filter((e) => !isPrivateStream(e.stream));
    let k = 0;
    if (rows.length >= ROWS_PER_INSERT) {
      this.insertMany ??= db.prepare(`INSERT INTO event_feed VALUES ${Array.from({ length: ROWS_PER_INSERT }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`);
      const values: unknown[] = new Array(ROWS_PER_INSERT * 6);
      for (; k + ROWS_PER_INSERT <= rows.length; k += ROWS_PER_INSERT) {
        for (let i = 0; i < ROWS_PER_INSERT; i++) {
          const e = rows[k + i]!;
          values[6 * i] = e.position;
          values[6 * i + 1] = e.type;
          values[6 * i + 2] = e.stream;
          values[6 * i + 3] = e.revision;
          values[6 * i + 4] = e.metadata.recordedAt;
          values[6 * i + 5] = e.metadata.actor;
        }
        this.insertMany.run(values);
      }
    }
    for (; k < rows.length; k++) {
      const e = rows[k]!;
      this.insert.run(e.position, e.type, e.stream, e.revision, e.metadata.recordedAt, e.metadata.actor);
    }
  }
}

/** Rows per multi-row insert (six parameters each, well under SQLite's 32 766). */
const ROWS_PER_INSERT = 100;
