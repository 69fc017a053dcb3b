import { unzipSync, zipSync, type Zippable } from 'fflate';

export interface ArchiveEntry {
  path: string;
  data: Uint8Array | string;
  /** Stored without compression (ODF's `mimetype` must be, so that a reader can sniff it at offset 38). */
  stored?: boolean;
}

/**
 * The time stamped on every entry: the document's day at midnight. ZIP keeps local DOS time and
 * fflate reads the Date's local fields, so the Date is built from local fields too: the bytes are
 * then the same whatever the time zone of the machine. DOS time holds the years 1980–2099 only
 * (a period may close in 2100): a day before is stamped in 1980, a day after on 31 December 2099.
 */
function entryTime(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  if (y > 2099) return new Date(2099, 11, 31, 0, 0, 0);
  return new Date(Math.max(y, 1980), m - 1, d, 0, 0, 0);
}

/** A ZIP whose bytes depend only on its entries and their order, and on `day`. */
export function deterministicZip(entries: readonly ArchiveEntry[], day: string): Uint8Array {
  const mtime = entryTime(day);
  const files: Zippable = {};
  for (const e of entries) {
    const bytes = typeof e.data === 'string' ? new TextEncoder().encode(e.data) : e.data;
    files[e.path] = [bytes, { level: e.stored ? 0 : 6, mtime }];
  }
  return zipSync(files);
}

/** The entries of a ZIP in their stored order, for rewriting an archive another library made. */
export function zipEntries(zip: Uint8Array): ArchiveEntry[] {
  return Object.entries(unzipSync(zip)).map(([path, data]) => ({ path, data }));
}
