import { Inflate } from 'fflate';
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
 * Checks a zip before any reader inflates it: the sizes its directory declares (total, and the
 * ratio of each entry), then the real sizes, by inflating each entry as a stream and stopping at the
 * first byte past what it declared — a zip that lies about its sizes is refused without ever being
 * held inflated in memory. Returns the first problem, or null.
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
    const problem = inflatesAsDeclared(buffer, e);
    if (problem) return problem;
  }
  return null;
}

/** Small pushes: one compressed chunk inflates to at most about a thousand times its size. */
const CHUNK = 4 * 1024;

function inflatesAsDeclared(buffer: Buffer, e: ZipEntry): ZipProblem | null {
  const entry = entryData(buffer, e);
  if (!entry) return { code: 'corrupt', entry: e.name };
  const { method, data } = entry;
  if (method === 0) return data.length === e.uncompressedSize ? null : { code: 'size_mismatch', entry: e.name };
  if (method !== 8) return { code: 'unsupported_compression', entry: e.name };
  let produced = 0;
  let overflow = false;
  const inflate = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > e.uncompressedSize) overflow = true;
  });
  try {
    for (let offset = 0; offset < data.length && !overflow; offset += CHUNK) {
      inflate.push(data.subarray(offset, offset + CHUNK), offset + CHUNK >= data.length);
    }
  } catch {
    return { code: 'corrupt', entry: e.name };
  }
  return overflow || produced !== e.uncompressedSize ? { code: 'size_mismatch', entry: e.name } : null;
}
