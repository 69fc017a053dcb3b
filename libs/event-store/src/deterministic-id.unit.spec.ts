import { describe, expect, it } from '@jest/globals';
import { deterministicId } from './deterministic-id.js';

describe('deterministicId', () => {
  it('is the same for the same parts and differs when any part differs', () => {
    expect(deterministicId('seed', 'a', 1, null)).toBe(deterministicId('seed', 'a', 1, null));
    expect(deterministicId('seed', 'a', 1)).not.toBe(deterministicId('seed', 'a', 2));
    expect(deterministicId('seed', 'a')).not.toBe(deterministicId('import', 'a'));
  });

  it('is the prefix and 24 hex digits of SHA-256 over the parts joined by |', () => {
    // sha256("a|1") starts with these digits: the seed's report ids must not change between versions.
    expect(deterministicId('seed', 'a', 1)).toBe('seed-df4504ce92500fe8a20fb370');
  });
});
