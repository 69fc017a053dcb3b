import { deserialize, serialize } from 'node:v8';
import Database from 'better-sqlite3';
import { setPageCacheMb } from '#event-store';

/**
 * Folded aggregate states saved every so many events, so that loading a long stream reads one
 * snapshot and the events after it instead of the whole stream. A snapshot is a cache: losing one
 * costs a longer fold, never a wrong answer, and `kind` changes whenever the decider's declared
 * snapshot schema version does.
 */
export interface SnapshotStore {
  /** The latest snapshot of `stream` made by the fold `kind`, or null. */
  load(stream: string, kind: string): { revision: number; state: unknown } | null;
  save(stream: string, kind: string, revision: number, state: unknown): void;
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

/**
 * Snapshots in their own SQLite file, serialised with the V8 serializer (it keeps the Maps the
 * deciders fold into). synchronous = NORMAL: a snapshot lost in a power cut is simply not used.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly prune: Database.Statement;

  /** `cacheMb`: SQLite's page cache of the connection (libs/config: SQLITE_CACHE_MB); SQLite's build default when not given. */
  constructor(path: string, options: { cacheMb?: number } = {}) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma('busy_timeout = 5000');
    setPageCacheMb(this.db, options.cacheMb);
    this.db.exec(`CREATE TABLE IF NOT EXISTS snapshots (
      stream TEXT NOT NULL, kind TEXT NOT NULL, revision INTEGER NOT NULL, state BLOB NOT NULL, saved_at TEXT NOT NULL,
      PRIMARY KEY (stream, kind, revision)
    ) WITHOUT ROWID`);
    this.select = this.db.prepare('SELECT revision, state FROM snapshots WHERE stream = ? AND kind = ? ORDER BY revision DESC LIMIT 1');
    this.insert = this.db.prepare('INSERT OR REPLACE INTO snapshots (stream, kind, revision, state, saved_at) VALUES (?, ?, ?, ?, ?)');
    // One snapshot per stream is enough: older ones, and those of a fold that changed, are dead weight.
    this.prune = this.db.prepare('DELETE FROM snapshots WHERE stream = ? AND NOT (kind = ? AND revision = ?)');
  }

  load(stream: string, kind: string): { revision: number; state: unknown } | null {
    const row = this.select.get(stream, kind) as { revision: number; state: Buffer } | undefined;
    if (!row) return null;
    try {
      return { revision: row.revision, state: deserialize(row.state) };
    } catch {
      return null;
    }
  }

  save(stream: string, kind: string, revision: number, state: unknown): void {
    const blob = serialize(state);
    this.db.transaction(() => {
      this.insert.run(stream, kind, revision, blob, new Date().toISOString());
      this.prune.run(stream, kind, revision);
    })();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
