import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import { setPageCacheMb } from '#event-store';

/**
 * Folded aggregate states saved every so many events, so that loading a long stream reads one
 * snapshot and the events after it instead of the whole stream. A snapshot is a cache: losing one
 * costs a longer fold, never a wrong answer, and `kind` changes whenever the decider's declared
 * snapshot schema version does. Each snapshot keeps when the event it was folded up to was recorded,
 * by which a reader tells that the log still holds that event (see Snapshotting.read).
 */
export interface SnapshotStore {
  /** The latest snapshot of `stream` made by the fold `kind`, or null; `recordedAt` null for a snapshot saved without it. */
  load(stream: string, kind: string): { revision: number; state: unknown; recordedAt: string | null } | null;
  save(stream: string, kind: string, revision: number, state: unknown, recordedAt?: string | null): void;
  /** Removes that snapshot (one the log no longer agrees with). */
  discard(stream: string, kind: string, revision: number): void;
  close(): void;
}

/**
 * Names a fold by the schema version its decider declares: when the state's shape or `evolve`
 * changes, the decider bumps it, and snapshots of the old version are ignored (then pruned) instead
 * of being read with the wrong shape.
 */
export function snapshotKind(fold: { name: string; snapshotSchemaVersion: number }): string {
  return `${fold.name}:v${fold.snapshotSchemaVersion}`;
}

/** A snapshot as its row holds it: the state already serialised. */
export interface SerializedSnapshot {
  stream: string;
  kind: string;
  revision: number;
  state: Uint8Array;
  savedAt: string;
  /** When the event at `revision` was recorded, or null where the saver did not know it. */
  recordedAt: string | null;
}

/**
 * Writes a serialised snapshot into the same file elsewhere (another thread, with its own
 * connection); false when it cannot (the thread stopped), and the store then writes it itself.
 */
export type SnapshotOffload = (snapshot: SerializedSnapshot) => boolean;

/**
 * Snapshots in their own SQLite file, serialised with the V8 serializer (it keeps the Maps the
 * deciders fold into). synchronous = NORMAL: a snapshot lost in a power cut is simply not used.
 *
 * With `offload`, `save` serialises the state (it must: the state is the caller's, and changes with
 * the next command) and hands the bytes over; writing them (~870 KB for a sheet of 7 000 reports:
 * its overflow pages, the old row's pruning and the commit, three quarters of a save's 11 ms) is then
 * done by the projection worker, off the request thread. A snapshot not yet written when the stream
 * is loaded again only means an older snapshot, and a longer fold.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;
  private readonly remove: Database.Statement;

  /** `cacheMb`: SQLite's page cache of the connection (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  constructor(path: string, private readonly options: { cacheMb?: number; offload?: SnapshotOffload } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    setPageCacheMb(this.db, options.cacheMb);
    this.db.exec(`CREATE TABLE IF NOT EXISTS snapshots (
      stream TEXT NOT NULL, kind TEXT NOT NULL, revision INTEGER NOT NULL, state BLOB NOT NULL, saved_at TEXT NOT NULL,
      PRIMARY KEY (stream, kind, revision)
    ) WITHOUT ROWID`);
    // Files made before snapshots kept their event's record time: the column is added, null in their rows.
    const columns = this.db.prepare('SELECT name FROM pragma_table_info(\'snapshots\')').pluck().all() as string[];
    if (!columns.includes('event_recorded_at')) this.db.exec('ALTER TABLE snapshots ADD COLUMN event_recorded_at TEXT');
    this.select = this.db.prepare('SELECT revision, state, event_recorded_at FROM snapshots WHERE stream = ? AND kind = ? ORDER BY revision DESC LIMIT 1');
    this.insert = this.db.prepare('INSERT OR REPLACE INTO snapshots (stream, kind, revision, state, saved_at, event_recorded_at) VALUES (?, ?, ?, ?, ?, ?)');
    this.remove = this.db.prepare('DELETE FROM snapshots WHERE stream = ? AND kind = ? AND revision = ?');
    // One snapshot per stream is enough: older ones, and those of a fold that changed, are dead weight.
    this.prune = this.db.prepare('DELETE FROM snapshots WHERE stream = ? AND NOT (kind = ? AND revision = ?)');
  }

  load(stream: string, kind: string): { revision: number; state: unknown; recordedAt: string | null } | null {
    const row = this.select.get(stream, kind) as { revision: number; state: Buffer; event_recorded_at: string | null } | undefined;
    if (!row) return null;
    try {
      return { revision: row.revision, state: deserialize(row.state), recordedAt: row.event_recorded_at };
    } catch {
      return null;
    }
  }

  save(stream: string, kind: string, revision: number, state: unknown, recordedAt: string | null = null): void {
    const snapshot: SerializedSnapshot = { stream, kind, revision, state: serialize(state), savedAt: new Date().toISOString(), recordedAt };
    if (this.options.offload?.(snapshot) === true) return;
    this.write(snapshot);
  }

  /** Stores a snapshot serialised elsewhere (the offload's other end), as `save` would. */
  write(snapshot: SerializedSnapshot): void {
    this.db.transaction(() => {
      this.insert.run(snapshot.stream, snapshot.kind, snapshot.revision, snapshot.state, snapshot.savedAt, snapshot.recordedAt ?? null);
      this.prune.run(snapshot.stream, snapshot.kind, snapshot.revision);
    })();
  }

  discard(stream: string, kind: string, revision: number): void {
    this.remove.run(stream, kind, revision);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
