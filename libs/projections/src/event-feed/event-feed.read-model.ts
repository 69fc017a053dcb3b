import type { Database, Statement } from 'better-sqlite3';

/** Where a feed entry's event sits in the log. */
export interface FeedEntry {
  position: number;
  stream: string;
  revision: number;
}

export interface FeedQuery {
  /** Entries after this log position. */
  after: number;
  limit: number;
  actor?: string;
  type?: string;
}

/** The event feed read model (EventFeedProjection): one line per event, paged by log position. */
export class EventFeedReadModel {
  private readonly statements = new Map<string, Statement>();
  private last: Statement | null = null;

  constructor(private readonly db: Database) {}

  /** The entries after `after` that match the filters, in log order. */
  page(q: FeedQuery): FeedEntry[] {
    const where = ['position > @after'];
    if (q.actor !== undefined) where.push('actor = @actor');
    if (q.type !== undefined) where.push('type = @type');
    const sql = `SELECT position, stream, revision FROM event_feed WHERE ${where.join(' AND ')} ORDER BY position LIMIT @limit`;
    let st = this.statements.get(sql);
    if (!st) this.statements.set(sql, (st = this.db.prepare(sql)));
    return st.all({ after: q.after, actor: q.actor ?? null, type: q.type ?? null, limit: q.limit }) as FeedEntry[];
  }

  /** When the last event was recorded (what the open-data catalogue calls its modification date); null for an empty log. */
  lastRecordedAt(): string | null {
    this.last ??= this.db.prepare('SELECT recordedAt FROM event_feed ORDER BY position DESC LIMIT 1').pluck();
    return (this.last.get() as string | undefined) ?? null;
  }
}
