import { inflateRawSync } from 'node:zlib';
import { entryData, zipEntries, type ZipEntry } from './zip-entries.js';

export interface ZipLimits {
  /** Total of the entries' uncompressed sizes. */
  maxUncompressedBytes: number;
  /** Uncompressed / compressed size of one entry, checked for entries above `ratioFloorBytes`. */
  maxCompressionRatio: number;
  ratioFloorBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxUncompressedBytes: 20 * 1024 * 1024, maxCompressionRatio: 200, ratioFloorBytes: 1024 * 1024, maxEntries: 1000 };

export type ZipProblem =
  | { code: 'too_many_entries'; entries: number }
  | { code: 'uncompressed_too_large'; bytes: number }
  | { code: 'compression_ratio'; entry: string; ratio: number }
  | { code: 'size_mismatch'; entry: string }
  | { code: 'unsupported_compression'; entry: string }
  | { code: 'corrupt'; entry: string };

/**
 * Checks what a zip declares before any reader inflates it: the number of entries, the total of
 * their sizes and each entry's ratio, and for each entry a compression method a reader knows.
 * Returns the first problem, or null. Whether an entry really inflates to what it declares is
 * checked where it is read (`inflateEntry`), in the same pass: a zip that lies about its sizes is
 * refused without ever being held inflated beyond what it declared.
 */
export function checkZip(buffer: Buffer, limits: ZipLimits = DEFAULT_ZIP_LIMITS, entries: readonly ZipEntry[] = zipEntries(buffer)): ZipProblem | null {
  if (entries.length > limits.maxEntries) return { code: 'too_many_entries', entries: entries.length };
  const declared = entries.reduce((s, e) => s + e.uncompressedSize, 0);
  if (declared > limits.maxUncompressedBytes) return { code: 'uncompressed_too_large', bytes: declared };
  for (const e of entries) {
    const ratio = e.uncompressedSize / Math.max(1, e.compressedSize);
    if (e.uncompressedSize > limits.ratioFloorBytes && ratio > limits.maxCompressionRatio) return { code: 'compression_ratio', entry: e.name, ratio: Math.round(ratio) };
  }
  for (const e of entries) {
    const entry = entryData(buffer, e);
    if (!entry) return { code: 'corrupt', entry: e.name };
    if (entry.method !== 0 && entry.method !== 8) return { code: 'unsupported_compression', entry: e.name };
    if (entry.method === 0 && entry.data.length !== e.uncompressedSize) return { code: 'size_mismatch', entry: e.name };
  }
  return null;
}

/** An entry that does not inflate as its zip declared: `problem` says how. */
export class ZipEntryRefused extends Error {
  constructor(readonly problem: Extract<ZipProblem, { code: 'size_mismatch' | 'corrupt' | 'unsupported_compression' }>) {
    super(`zip entry ${problem.entry}: ${problem.code}`);
  }
}

/**
 * An entry's bytes, inflated: never more than the size it declares (zlib stops past it), and exactly
 * that size, or ZipEntryRefused. The zip was checked with checkZip first, so the declared sizes are
 * within the limits.
 */
export function inflateEntry(buffer: Buffer, e: ZipEntry): Buffer {
  const entry = entryData(buffer, e);
  if (!entry) throw new ZipEntryRefused({ code: 'corrupt', entry: e.name });
  const { method, data } = entry;
  if (method !== 0 && method !== 8) throw new ZipEntryRefused({ code: 'unsupported_compression', entry: e.name });
  let raw: Buffer;
  if (method === 0) raw = data;
  else {
    try {
      // An empty entry still gets one byte of room, so that a stream holding more is caught.
      raw = inflateRawSync(data, { maxOutputLength: Math.max(1, e.uncompressedSize) });
    } catch (error) {
      const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      throw new ZipEntryRefused({ code: tooLarge ? 'size_mismatch' : 'corrupt', entry: e.name });
    }
  }
  if (raw.length !== e.uncompressedSize) throw new ZipEntryRefused({ code: 'size_mismatch', entry: e.name });
  return raw;
}
