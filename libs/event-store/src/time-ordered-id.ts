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
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

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
  const b0 = Math.floor(ms / 2 ** 40) & 0xff;
  const b1 = Math.floor(ms / 2 ** 32) & 0xff;
  const low = ms % 2 ** 32;
  return (
    HEX[b0]! + HEX[b1]! + HEX[(low >>> 24) & 0xff]! + HEX[(low >>> 16) & 0xff]! + '-' +
    HEX[(low >>> 8) & 0xff]! + HEX[low & 0xff]! + '-' +
    HEX[0x70 | (counter >>> 8)]! + HEX[counter & 0xff]! + '-' +
    HEX[0x80 | (r[0]! & 0x3f)]! + HEX[r[1]!]! + '-' +
    HEX[r[2]!]! + HEX[r[3]!]! + HEX[r[4]!]! + HEX[r[5]!]! + HEX[r[6]!]! + HEX[r[7]!]!
  );
}
