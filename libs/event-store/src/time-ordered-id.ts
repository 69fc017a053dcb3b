import { randomFillSync } from 'node:crypto';

/**
 * Time-ordered identifiers (UUID version 7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * counter that keeps ids from this process strictly increasing within a millisecond, then 62 random bits.
 *
 * Why: every event id, report id and hash-chain entry is a key of a unique index. Random (v4) ids land
 * on a random page of those indexes, so each append dirties and writes back a different page of each
 * index; ids that grow with time are appended at one place, where the page is already in cache and is
 * written once per commit for many events. They remain valid UUIDs for EventStoreDB and for clients.
 */
const POOL_SIZE = 8 * 1024;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;
let lastMs = 0;
let counter = 0;
const DIGITS = Buffer.from('0123456789abcdef', 'latin1');
/** The id's text, rewritten for each id: 8-4-4-4-12 hex digits. */
const text = Buffer.from('00000000-0000-0000-0000-000000000000', 'latin1');
/** Where the two digits of each of the 16 bytes go in the text. */
const TEXT_PLACES = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

function randomBytes8(): Buffer {
  if (poolOffset + 8 > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = pool.subarray(poolOffset, poolOffset + 8);
  poolOffset += 8;
  return out;
}

export function timeOrderedId(now: number = Date.now()): string {
  let ms = now;
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else {
    // Same millisecond, or the clock went back: keep increasing from the last id handed out.
    ms = lastMs;
    counter += 1;
    if (counter > 0xfff) {
      lastMs += 1;
      ms = lastMs;
      counter = 0;
    }
  }
  const r = randomBytes8();
  const low = ms % 2 ** 32;
  const bytes = [
    Math.floor(ms / 2 ** 40) & 0xff, Math.floor(ms / 2 ** 32) & 0xff, (low >>> 24) & 0xff, (low >>> 16) & 0xff, (low >>> 8) & 0xff, low & 0xff,
    0x70 | (counter >>> 8), counter & 0xff, 0x80 | (r[0]! & 0x3f), r[1]!, r[2]!, r[3]!, r[4]!, r[5]!, r[6]!, r[7]!,
  ];
  for (let i = 0; i < 16; i++) {
    text[TEXT_PLACES[i]!] = DIGITS[bytes[i]! >> 4]!;
    text[TEXT_PLACES[i]! + 1] = DIGITS[bytes[i]! & 0xf]!;
  }
  // Decoded from bytes, the id is one flat string. Joined from pieces with +, it was a tree of
  // concatenations, several hundred bytes instead of 56 in whatever kept it.
  return text.toString('latin1');
}
