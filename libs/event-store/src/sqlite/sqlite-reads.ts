import type Database from 'better-sqlite3';
import { normalizeInstant } from '../event-envelope.js';
import type { EventMetadata, FoldedEvent, FoldedLogEvent, LoggedEvent, RawStoredEvent, ReadAllOptions, ReadStreamOptions, StoredEvent, Upcaster } from '../event-store.port.js';

/** Row as selected in raw (array) mode: the column order of SELECT_COLUMNS. */
type Row = [position: number, id: string, stream: string, revision: number, type: string, data: string, metadata: string];

const SELECT_COLUMNS = 'position, id, stream, revision, type, data, metadata';

const LAST_MEMBER_SCHEMA_VERSION = ',"schemaVersion":';

/**
 * The metadata's schemaVersion, as JSON.parse(metadata).schemaVersion gives it (undefined when it has
 * none), without parsing the rest when the text ends with `,"schemaVersion":<digit>}`: the envelope as
 * completeMetadata builds it, stringified. In JSON text of an object, that ending can only be its last
 * member (a quote after a comma is never inside a string, and the closing brace is the object's own),
 * and the last of duplicate members is the one JSON.parse keeps. Any other text is parsed.
 */
function schemaVersionOf(metadata: string): number {
  const n = metadata.length;
  if (n > 19 && metadata.charCodeAt(n - 1) === 0x7d && metadata.startsWith(LAST_MEMBER_SCHEMA_VERSION, n - 19)) {
    const digit = metadata.charCodeAt(n - 2) - 0x30;
    if (digit >= 0 && digit <= 9) return digit;
  }
  return (JSON.parse(metadata) as EventMetadata).schemaVersion;
}

const FIRST_MEMBER_ACTOR = '{"actor":"';

/**
 * The metadata's actor, as JSON.parse(metadata).actor gives it, without parsing the rest when the text
 * starts with `{"actor":"` (completeMetadata's envelope, stringified), the value holds no escape, and
 * no `"actor"` follows (JSON.parse keeps the last of duplicate members; inside a longer string the
 * word would not stand between quotes of its own). Any other text is parsed.
 */
function actorOf(metadata: string): string {
  if (metadata.startsWith(FIRST_MEMBER_ACTOR)) {
    const end = metadata.indexOf('"', FIRST_MEMBER_ACTOR.length);
    if (end > 0 && metadata.lastIndexOf('\\', end) < FIRST_MEMBER_ACTOR.length && metadata.indexOf('"actor"', end) < 0) {
      return metadata.slice(FIRST_MEMBER_ACTOR.length, end);
    }
  }
  return (JSON.parse(metadata) as EventMetadata).actor;
}

/** The reads of the events table, each a statement prepared once; synchronous (the store wraps them). */
export class SqliteReads {
  private readonly selectStreamHead: Database.Statement;
  private readonly selectStreamHeadPosition: Database.Statement;
  private readonly selectHead: Database.Statement;
  private readonly selectStream: Database.Statement;
  private readonly selectStreamUntil: Database.Statement;
  private readonly selectStreamFolded: Database.Statement;
  private readonly selectStreamFoldedUntil: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly selectAllUntil: Database.Statement;
  private readonly selectAllBelow: Database.Statement;
  private readonly selectAllFolded: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly upcast: Upcaster | undefined,
  ) {
    this.selectStreamHead = db.prepare('SELECT MAX(revision) FROM events WHERE stream = ?').pluck();
    this.selectStreamHeadPosition = db.prepare('SELECT position FROM events WHERE stream = ? ORDER BY revision DESC LIMIT 1').pluck();
    this.selectHead = db.prepare('SELECT MAX(position) FROM events').pluck();
    this.selectStream = db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE stream = ? AND revision BETWEEN ? AND ? ORDER BY revision`)
      .raw();
    this.selectStreamUntil = db
      .prepare(
        `SELECT ${SELECT_COLUMNS} FROM events WHERE stream = ? AND revision BETWEEN ? AND ? AND recorded_at <= ? ORDER BY revision`,
      )
      .raw();
    // recorded_at is written from metadata.recordedAt (see SqliteAppender): the same text, without parsing the metadata.
    // The metadata's text, its schemaVersion read by schemaVersionOf: json_extract parsed the whole text
    // in SQLite for every row (about a third of a row's read, on time travel's windows).
    const folded = 'SELECT position, revision, type, data, recorded_at, metadata FROM events';
    this.selectStreamFolded = db.prepare(`${folded} WHERE stream = ? AND revision BETWEEN ? AND ? ORDER BY revision`).raw();
    this.selectStreamFoldedUntil = db
      .prepare(`${folded} WHERE stream = ? AND revision BETWEEN ? AND ? AND recorded_at <= ? ORDER BY revision`)
      .raw();
    this.selectAllFolded = db
      .prepare('SELECT position, stream, revision, type, data, recorded_at, metadata FROM events WHERE position > ? AND position <= ? ORDER BY position LIMIT ?')
      .raw();
    this.selectAll = db.prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`).raw();
    this.selectAllBelow = db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? AND position < ? ORDER BY position LIMIT ?`)
      .raw();
    this.selectAllUntil = db
      .prepare(`SELECT ${SELECT_COLUMNS} FROM events WHERE position > ? AND recorded_at <= ? ORDER BY position LIMIT ?`)
      .raw();
  }

  /** The rows of a stream's revisions in `options`, with `select`, or `selectUntil` when bounded by record time. */
  private streamRows(select: Database.Statement, selectUntil: Database.Statement, stream: string, options: ReadStreamOptions): unknown[] {
    const from = options.fromRevision ?? 0;
    const to = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    return options.recordedUntil === undefined
      ? select.all(stream, from, to)
      : selectUntil.all(stream, from, to, normalizeInstant(options.recordedUntil, 'recordedUntil'));
  }

  readStream(stream: string, options: ReadStreamOptions): StoredEvent[] {
    const rows = this.streamRows(this.selectStream, this.selectStreamUntil, stream, options) as Row[];
    return rows.map((row) => this.toStoredEvent(row));
  }

  readStreamFolded(stream: string, options: ReadStreamOptions): FoldedEvent[] {
    const rows = this.streamRows(this.selectStreamFolded, this.selectStreamFoldedUntil, stream, options) as Array<
      [position: number, revision: number, type: string, data: string, recordedAt: string, metadata: string]
    >;
    return rows.map(([position, revision, type, data, recordedAt, metadata]) => {
      // As toStoredEvent reads it: a metadata without schemaVersion gives the upcaster undefined.
      const schemaVersion = schemaVersionOf(metadata);
      return { type, revision, position, data: this.applyUpcast(type, schemaVersion, JSON.parse(data)), metadata: { recordedAt, schemaVersion } };
    });
  }

  /**
   * Up to `limit` events after `after` and up to `upTo`, each with only what a fold reads and its
   * stream: neither the id nor the rest of the metadata is read or parsed.
   */
  readAllFolded(after: number, upTo: number, limit: number): FoldedLogEvent[] {
    return this.foldedRows(after, upTo, limit).map(([position, stream, revision, type, data, recordedAt, metadata]) => {
      const schemaVersion = schemaVersionOf(metadata);
      return { type, stream, revision, position, data: this.applyUpcast(type, schemaVersion, JSON.parse(data)), metadata: { recordedAt, schemaVersion } };
    });
  }

  /**
   * Up to `limit` events after `after`, each with what the read models of the whole log read
   * (LoggedEvent): of the metadata, the record time (its column), the schema version and the actor.
   */
  readAllLogged(after: number, limit: number): LoggedEvent[] {
    return this.foldedRows(after, Number.MAX_SAFE_INTEGER, limit).map(([position, stream, revision, type, data, recordedAt, metadata]) => {
      const schemaVersion = schemaVersionOf(metadata);
      return { type, stream, revision, position, data: this.applyUpcast(type, schemaVersion, JSON.parse(data)), metadata: { recordedAt, schemaVersion, actor: actorOf(metadata) } };
    });
  }

  /** The rows both of the reads above map: the record time from its column, the metadata's text unparsed. */
  private foldedRows(after: number, upTo: number, limit: number) {
    return this.selectAllFolded.all(after, upTo, limit) as Array<
      [position: number, stream: string, revision: number, type: string, data: string, recordedAt: string, metadata: string]
    >;
  }

  readAll(options: ReadAllOptions): StoredEvent[] {
    return this.readAllRows(options).map((row) => this.toStoredEvent(row));
  }

  /** The stored text, unparsed and not upcast, byte for byte as written. */
  readAllRaw(options: ReadAllOptions): RawStoredEvent[] {
    return this.readAllRows(options).map(([position, id, stream, revision, type, data, metadata]) => ({
      position,
      id,
      stream,
      revision,
      type,
      data,
      metadata,
    }));
  }

  /** Up to `limit` events after `after` and before `below` (MAX_SAFE_INTEGER: no bound), for a subscription. */
  readBatch(after: number, below: number, limit: number): StoredEvent[] {
    const rows = (below === Number.MAX_SAFE_INTEGER
      ? this.selectAll.all(after, limit)
      : this.selectAllBelow.all(after, below, limit)) as Row[];
    return rows.map((row) => this.toStoredEvent(row));
  }

  /** Revision of the stream's last event, -1 when there is none. */
  streamRevision(stream: string): number {
    const revision = this.selectStreamHead.get(stream) as number | null;
    return revision ?? -1;
  }

  /** Position of the stream's last event; the stream must exist. */
  streamHeadPosition(stream: string): number {
    return this.selectStreamHeadPosition.get(stream) as number;
  }

  headPosition(): number {
    return (this.selectHead.get() as number | null) ?? 0;
  }

  /** `data` as the current schema reads it; `data` is what this read has just parsed, which the upcaster may change in place. */
  applyUpcast(type: string, schemaVersion: number, data: unknown): unknown {
    return this.upcast === undefined ? data : this.upcast(type, schemaVersion, data, true);
  }

  private readAllRows(options: ReadAllOptions): Row[] {
    const from = options.fromPosition ?? 0;
    const limit = options.limit ?? -1; // SQLite: a negative LIMIT means no limit
    return (
      options.recordedUntil === undefined
        ? this.selectAll.all(from, limit)
        : this.selectAllUntil.all(from, normalizeInstant(options.recordedUntil, 'recordedUntil'), limit)
    ) as Row[];
  }

  private toStoredEvent(row: Row): StoredEvent {
    const metadata = JSON.parse(row[6]) as EventMetadata;
    return {
      id: row[1],
      type: row[4],
      stream: row[2],
      revision: row[3],
      position: row[0],
      data: this.applyUpcast(row[4], metadata.schemaVersion, JSON.parse(row[5])),
      metadata,
    };
  }
}
