import { closeSync, fdatasync, openSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openEventsDatabase, timeOrderedId } from '#event-store';

/**
 * The yardstick of the event store: the same durable append written as plainly as it can be. The
 * table and indexes are the store's own (openEventsDatabase); ids are time-ordered like the store's;
 * appends issued in one turn of the event loop share one transaction (group commit), and none is
 * acknowledged before the WAL holding it is on disk. No savepoint, no upcast, no re-read: the heads
 * of the streams are kept in memory, trusted because this appender is the file's only writer.
 *
 * Two ways to put the WAL on disk, because which is faster depends on the machine:
 * - 'full': `synchronous = FULL`, SQLite fsyncs inside the commit, on the calling thread;
 * - 'offload': `synchronous = NORMAL` and an fdatasync of the -wal file on libuv's pool after each
 *   commit, the commits made meanwhile covered by the next one (what SqliteEventStore does).
 */
export type BareSync = 'full' | 'offload';

export interface BareEvent { type: string; data: unknown; metadata: Record<string, unknown> }

/** What both the bare appender and SqliteEventStore offer to the store scenarios. */
export interface Appender {
  append(stream: string, events: BareEvent[], expectedRevision: number | 'any'): Promise<{ nextExpectedRevision: number; position: number }>;
  revision(stream: string): Promise<number>;
  close(): Promise<void>;
}

interface Pending {
  stream: string;
  events: BareEvent[];
  expected: number | 'any';
  resolve: (r: { nextExpectedRevision: number; position: number }) => void;
  reject: (e: unknown) => void;
  result?: { nextExpectedRevision: number; position: number } | Error;
}

export class BareConflict extends Error {}

export class BareAppender implements Appender {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly heads = new Map<string, number>();
  private readonly head: Database.Statement;
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly walFd: number | null;
  private syncing = false;
  private awaiting: Pending[][] = [];
  private readonly write: (batch: Pending[]) => void;

  constructor(path: string, private readonly sync: BareSync) {
    this.db = openEventsDatabase(path);
    if (sync === 'full') this.db.pragma('synchronous = FULL');
    this.walFd = sync === 'offload' ? openSync(`${path}-wal`, 'r') : null;
    this.insert = this.db.prepare('INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.head = this.db.prepare('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
    const tx = this.db.transaction((batch: Pending[]) => {
      for (const p of batch) {
        let revision = this.heads.get(p.stream) ?? ((this.head.get(p.stream) as number | null) ?? -1);
        if (p.expected !== 'any' && p.expected !== revision) {
          p.result = new BareConflict(`${p.stream}: expected ${p.expected}, at ${revision}`);
          continue;
        }
        let position = 0;
        for (const e of p.events) {
          revision += 1;
          const recordedAt = new Date().toISOString();
          const metadata = JSON.stringify({ ...e.metadata, recordedAt, schemaVersion: 1 });
          position = Number(this.insert.run(timeOrderedId(), p.stream, revision, e.type, JSON.stringify(e.data), metadata, recordedAt).lastInsertRowid);
        }
        this.heads.set(p.stream, revision);
        p.result = { nextExpectedRevision: revision, position };
      }
    });
    this.write = (batch) => tx.immediate(batch);
  }

  append(stream: string, events: BareEvent[], expected: number | 'any'): Promise<{ nextExpectedRevision: number; position: number }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ stream, events, expected, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async revision(stream: string): Promise<number> {
    return this.heads.get(stream) ?? ((this.head.get(stream) as number | null) ?? -1);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    try {
      this.write(batch);
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    if (this.sync === 'full') settle(batch);
    else {
      this.awaiting.push(batch);
      if (!this.syncing) this.syncLoop();
    }
  }

  private syncLoop(): void {
    const groups = this.awaiting;
    this.awaiting = [];
    this.syncing = true;
    fdatasync(this.walFd!, (error) => {
      for (const batch of groups) {
        if (error) for (const p of batch) p.reject(error);
        else settle(batch);
      }
      if (this.awaiting.length > 0) this.syncLoop();
      else this.syncing = false;
    });
  }

  async close(): Promise<void> {
    while (this.syncing || this.queue.length > 0) await new Promise((r) => setTimeout(r, 5));
    if (this.walFd !== null) closeSync(this.walFd);
    this.db.close();
  }
}

function settle(batch: Pending[]): void {
  for (const p of batch) {
    if (p.result instanceof Error) p.reject(p.result);
    else p.resolve(p.result!);
  }
}
