/**
 * The central directory of a zip file (APPNOTE 6.3): what each entry declares, read before anything
 * is inflated. An .xlsx is a zip; its declared sizes are what a zip bomb lies about or exaggerates.
 */
export interface ZipEntry {
  name: string;
  compressedSize: number;
  uncompressedSize: number;
  /** Offset of the entry's central directory record, and of its local header. */
  centralOffset: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class NotAZip extends Error {}

/** The entries the central directory lists; throws NotAZip when the bytes are not a zip this reader accepts (zip64 included: no template needs it). */
export function zipEntries(buffer: Buffer): ZipEntry[] {
  if (buffer.length < 22 || buffer.readUInt32LE(0) !== LOCAL) throw new NotAZip('not a zip archive');
  // The end record is within the last 22 + 65535 bytes (its comment is at most 65535 bytes long).
  let eocd = -1;
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 0xffff); i--) {
    if (buffer.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw new NotAZip('zip end record not found');
  const count = buffer.readUInt16LE(eocd + 10);
  const size = buffer.readUInt32LE(eocd + 12);
  const offset = buffer.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new NotAZip('zip64 archives are not accepted');
  if (offset + size > eocd) throw new NotAZip('zip central directory out of bounds');
  const entries: ZipEntry[] = [];
  let p = offset;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || buffer.readUInt32LE(p) !== CENTRAL) throw new NotAZip('zip central directory is corrupt');
    const compressedSize = buffer.readUInt32LE(p + 20);
    const uncompressedSize = buffer.readUInt32LE(p + 24);
    const nameLength = buffer.readUInt16LE(p + 28);
    const extraLength = buffer.readUInt16LE(p + 30);
    const commentLength = buffer.readUInt16LE(p + 32);
    const localOffset = buffer.readUInt32LE(p + 42);
    if (compressedSize === 0xffffffff || uncompressedSize === 0xffffffff || localOffset === 0xffffffff) throw new NotAZip('zip64 archives are not accepted');
    if (localOffset + 30 > buffer.length || buffer.readUInt32LE(localOffset) !== LOCAL) throw new NotAZip('zip local header out of bounds');
    entries.push({ name: buffer.toString('utf8', p + 46, p + 46 + nameLength), compressedSize, uncompressedSize, centralOffset: p, localOffset });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * An entry's compression method as the central directory gives it (0 stored, 8 deflated) and its
 * compressed bytes, which follow its local header (30 bytes, then the name and extra field that
 * header declares); null when they run past the end of the buffer.
 */
export function entryData(buffer: Buffer, e: ZipEntry): { method: number; data: Buffer } | null {
  const start = e.localOffset + 30 + buffer.readUInt16LE(e.localOffset + 26) + buffer.readUInt16LE(e.localOffset + 28);
  if (start + e.compressedSize > buffer.length) return null;
  return { method: buffer.readUInt16LE(e.centralOffset + 10), data: buffer.subarray(start, start + e.compressedSize) };
}
