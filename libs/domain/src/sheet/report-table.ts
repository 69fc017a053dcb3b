import type { Qualifier } from '../shared/quantity.js';

/** What the write side keeps of a report: what a correction compares with and what the seed checks. */
export interface ReportState {
  value: number;
  qualifier: Qualifier;
  observed: string;
  observedOn: string;
  territory: string | null;
}

/** Id shapes packed into four 32-bit words; any other id is kept as its string. */
const KEPT_AS_STRING = 0;
const UUID_ID = 1;
const PREFIXED = ['seed', 'import'] as const; // kinds 2 and 3: `deterministicId` of the seed and the import
const NO_TERRITORY = 0xffffffff;
const FIELDS = 4; // qualifier, observed, observedOn, territory, each an index in `strings`

// The id last looked up, parsed once per call (one thread, no reentrance): its words and its kind.
const key = new Uint32Array(4);
let keyKind = 0;

/** The places of a UUID's dashes, and of its 32 hex digits. */
const UUID_DASHES = [8, 13, 18, 23];
const UUID_DIGITS = Array.from({ length: 36 }, (_, i) => i).filter((i) => !UUID_DASHES.includes(i));

/** Lower-case hex digits only: an upper-case id is kept as its string, so that it is given back as it came. */
function nibble(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Reads `count` hex digits of `id` (at `places`, or from `from` on) into `key`, eight to a word; false if one is not a digit. */
function readDigits(id: string, count: number, places: readonly number[] | null, from: number): boolean {
  let word = 0;
  for (let k = 0; k < count; k++) {
    const n = nibble(id.charCodeAt(places ? places[k]! : from + k));
    if (n < 0) return false;
    word = (word << 4) | n;
    if ((k & 7) === 7) {
      key[k >> 3] = word;
      word = 0;
    }
  }
  return true;
}

/** The kind of `id`, its words in `key` when it is packed. */
function parseKey(id: string): number {
  if (id.length === 36 && UUID_DASHES.every((i) => id.charCodeAt(i) === 45) && readDigits(id, 32, UUID_DIGITS, 0)) return UUID_ID;
  for (let p = 0; p < PREFIXED.length; p++) {
    const prefix = PREFIXED[p]!;
    if (id.length === prefix.length + 25 && id.startsWith(prefix) && id.charCodeAt(prefix.length) === 45 && readDigits(id, 24, null, prefix.length + 1)) {
      key[3] = 0;
      return 2 + p;
    }
  }
  return KEPT_AS_STRING;
}

const hex8 = (w: number) => w.toString(16).padStart(8, '0');

function hashKey(kind: number): number {
  let h = Math.imul(key[0]! ^ kind, 0x9e3779b1);
  h = Math.imul(h ^ key[1]! ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ key[2]! ^ (h >>> 13), 0xc2b2ae35);
  h = Math.imul(h ^ key[3]! ^ (h >>> 16), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/** `array` itself when it is its buffer's only view, else a copy that is. */
function ownBuffer<T extends Uint32Array | Uint8Array | Float64Array>(array: T): T {
  return array.byteOffset === 0 && array.byteLength === array.buffer.byteLength ? array : (array.slice() as T);
}

function grown<T extends Uint32Array | Uint8Array | Float64Array>(array: T, needed: number): T {
  if (needed <= array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

/**
 * The reports of one indicator on the write side, as columns: a sheet's state keeps every report it
 * was given (the longest has 100 000), to refuse a second report under the same id and to check a
 * correction against what it corrects. A Map of report objects costs about 170 bytes a report (the id
 * string, the entry, the object); here a report costs about 60: its id packed into four 32-bit words
 * when it is a UUID or a seed or import id (any other id is kept as its string), its value in a
 * Float64Array, its qualifier, days and territory as indexes into the indicator's few distinct strings,
 * and an open-addressing index of row numbers. Being typed arrays, it is also copied whole by the V8
 * serializer rather than walked object by object, which makes snapshots cheaper to write and to read.
 *
 * Reads give a fresh ReportState (changing it changes nothing); `set` adds or replaces. Iteration is
 * in the order reports were first set.
 */
export class ReportTable implements Iterable<[string, ReportState]> {
  private count = 0;
  /** Four words a row: the packed id (zeros for an id kept as a string). */
  private ids = new Uint32Array(4 * 4);
  private kinds = new Uint8Array(4);
  private values = new Float64Array(4);
  private fields = new Uint32Array(4 * FIELDS);
  private strings: string[] = [];
  private stringIndex = new Map<string, number>();
  /** Row + 1 of each packed id, 0 for an empty slot; its length is a power of two, at least twice the rows. */
  private slots = new Uint32Array(8);
  /** The rows of the ids kept as strings. */
  private named = new Map<string, number>();

  /**
   * A table read back by the V8 deserializer (a plain object with its fields) made a table again.
   * Node's deserializer gives an aligned typed array as a view into the snapshot's whole buffer: each
   * column is copied into a buffer of its own, so that a table kept in memory does not keep its
   * snapshot's bytes too (a cached sheet kept both: external memory 28 MB instead of 18–19 after the
   * bench's report load).
   */
  static revive(table: ReportTable): ReportTable {
    if (table instanceof ReportTable) return table;
    const revived = Object.setPrototypeOf(table, ReportTable.prototype) as ReportTable;
    revived.ids = ownBuffer(revived.ids);
    revived.kinds = ownBuffer(revived.kinds);
    revived.values = ownBuffer(revived.values);
    revived.fields = ownBuffer(revived.fields);
    revived.slots = ownBuffer(revived.slots);
    return revived;
  }

  get size(): number {
    return this.count;
  }

  has(id: string): boolean {
    return this.rowOf(id) >= 0;
  }

  get(id: string): ReportState | undefined {
    const row = this.rowOf(id);
    return row < 0 ? undefined : this.at(row);
  }

  set(id: string, report: ReportState): this {
    let row = this.rowOf(id);
    if (row < 0) row = this.append(id);
    this.values[row] = report.value;
    const f = row * FIELDS;
    this.fields[f] = this.intern(report.qualifier);
    this.fields[f + 1] = this.intern(report.observed);
    this.fields[f + 2] = this.intern(report.observedOn);
    this.fields[f + 3] = report.territory === null ? NO_TERRITORY : this.intern(report.territory);
    return this;
  }

  /**
   * Takes back the last report added, if it is `id` (a fold's last `set` of a new id): the table is
   * then as it was before that `set`. False, changing nothing, for any other id. Taken back last
   * first, rows come out in the reverse of their placing, so no other id's probe runs through the slot
   * freed (a later id was placed past it, and no later id is left). The id's strings stay interned:
   * nothing reads an index no row holds.
   */
  removeLast(id: string): boolean {
    if (this.count === 0) return false;
    const row = this.rowOf(id);
    if (row !== this.count - 1) return false;
    if (this.kinds[row] === KEPT_AS_STRING) this.named.delete(id);
    else {
      // rowOf left the id's words in `key`: its probe run ends on its slot.
      const mask = this.slots.length - 1;
      let i = hashKey(this.kinds[row]!) & mask;
      while (this.slots[i] !== row + 1) i = (i + 1) & mask;
      this.slots[i] = 0;
    }
    this.count--;
    this.values[row] = 0;
    this.kinds[row] = 0;
    this.ids.fill(0, row * 4, row * 4 + 4);
    this.fields.fill(0, row * FIELDS, row * FIELDS + FIELDS);
    return true;
  }

  *keys(): IterableIterator<string> {
    for (const [id] of this.rows()) yield id;
  }

  *[Symbol.iterator](): IterableIterator<[string, ReportState]> {
    for (const [id, row] of this.rows()) yield [id, this.at(row)];
  }

  entries(): IterableIterator<[string, ReportState]> {
    return this[Symbol.iterator]();
  }

  /** Each row's id and number, in the order reports were first set. */
  private *rows(): IterableIterator<[string, number]> {
    const named = new Map<number, string>();
    for (const [id, row] of this.named) named.set(row, id);
    for (let row = 0; row < this.count; row++) yield [this.idOf(row, named), row];
  }

  private at(row: number): ReportState {
    const f = row * FIELDS;
    const territory = this.fields[f + 3]!;
    return {
      value: this.values[row]!, qualifier: this.strings[this.fields[f]!] as Qualifier, observed: this.strings[this.fields[f + 1]!]!,
      observedOn: this.strings[this.fields[f + 2]!]!, territory: territory === NO_TERRITORY ? null : this.strings[territory]!,
    };
  }

  private idOf(row: number, named: Map<number, string>): string {
    const kind = this.kinds[row]!;
    if (kind === KEPT_AS_STRING) return named.get(row)!;
    const [a, b, c, d] = [this.ids[row * 4]!, this.ids[row * 4 + 1]!, this.ids[row * 4 + 2]!, this.ids[row * 4 + 3]!].map(hex8) as [string, string, string, string];
    if (kind === UUID_ID) return `${a}-${b.slice(0, 4)}-${b.slice(4)}-${c.slice(0, 4)}-${c.slice(4)}${d}`;
    return `${PREFIXED[kind - 2]}-${a}${b}${c}`;
  }

  private intern(s: string): number {
    let i = this.stringIndex.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.stringIndex.set(s, i);
    }
    return i;
  }

  private rowOf(id: string): number {
    const kind = parseKey(id);
    keyKind = kind;
    if (kind === KEPT_AS_STRING) return this.named.get(id) ?? -1;
    const mask = this.slots.length - 1;
    for (let i = hashKey(kind) & mask; ; i = (i + 1) & mask) {
      const slot = this.slots[i]!;
      if (slot === 0) return -1;
      const row = slot - 1;
      const w = row * 4;
      if (this.kinds[row] === kind && this.ids[w] === key[0] && this.ids[w + 1] === key[1] && this.ids[w + 2] === key[2] && this.ids[w + 3] === key[3]) return row;
    }
  }

  /** A new row for `id`, which rowOf has just parsed into `key` and not found. */
  private append(id: string): number {
    const row = this.count++;
    this.kinds = grown(this.kinds, this.count);
    this.values = grown(this.values, this.count);
    this.ids = grown(this.ids, this.count * 4);
    this.fields = grown(this.fields, this.count * FIELDS);
    const kind = keyKind;
    this.kinds[row] = kind;
    if (kind === KEPT_AS_STRING) {
      this.named.set(id, row);
      return row;
    }
    this.ids.set(key, row * 4);
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(row, hashKey(kind));
    return row;
  }

  private place(row: number, hash: number): void {
    const mask = this.slots.length - 1;
    let i = hash & mask;
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = row + 1;
  }

  private rehash(length: number): void {
    this.slots = new Uint32Array(length);
    for (let row = 0; row < this.count; row++) {
      const kind = this.kinds[row]!;
      if (kind === KEPT_AS_STRING) continue;
      key.set(this.ids.subarray(row * 4, row * 4 + 4));
      this.place(row, hashKey(kind));
    }
  }
}
