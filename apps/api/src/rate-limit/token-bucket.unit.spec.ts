import { describe, expect, it } from '@jest/globals';
import { TokenBuckets } from './token-bucket.js';

describe('TokenBuckets', () => {
  it('lets a full minute through at once, then refills at the configured rate', () => {
    let now = 0;
    const buckets = new TokenBuckets(600, () => now);
    for (let i = 0; i < 600; i++) expect(buckets.take('a').allowed).toBe(true);
    const refused = buckets.take('a');
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(buckets.take('b').allowed).toBe(true);
    now += 100; // 600 per minute = one every 100 ms
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    now += 60_000;
    for (let i = 0; i < 600; i++) expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
  });

  it('says when the next write will be allowed', () => {
    let now = 0;
    const buckets = new TokenBuckets(2, () => now);
    buckets.take('a');
    buckets.take('a');
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 30 });
    now += 29_000;
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    now += 1_000;
    expect(buckets.take('a').allowed).toBe(true);
  });
});
