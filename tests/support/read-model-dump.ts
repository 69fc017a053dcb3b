import type { Database } from 'better-sqlite3';

/**
 * Bookkeeping tables that legitimately differ between two databases holding the same read models:
 * checkpoints carry timestamps, processed_events exists only where events came through Kafka.
 */
const BOOKKEEPING = new Set(['projection_checkpoints', 'processed_events']);

/** Every read-model table, row by row, in a stable order. */
export function dumpReadModels(db: Database): Record<string, unknown[]> {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[])
    .map((t) => t.name)
    .filter((name) => !BOOKKEEPING.has(name));
  return Object.fromEntries(tables.map((t) => [t, db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).all()]));
}
