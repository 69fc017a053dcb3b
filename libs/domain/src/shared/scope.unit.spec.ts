import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { isWithin, sameScope, scope, scopeKey, scopeOf, targetsFor } from './scope.js';

describe('the scope of a figure', () => {
  it('is a territory of the region, with an optional zone', () => {
    expect(scope('24')).toEqual({ territory: '24', breakdown: {} });
    expect(scope('41', { zone: 'publique' })).toEqual({ territory: '41', breakdown: { zone: 'publique' } });
    expect(scope(null)).toEqual({ territory: null, breakdown: {} });
    for (const bad of [() => scope('75'), () => scope('24', { zone: 'rurale' as never }), () => scope('24', { canton: 'x' } as never), () => scope('45', { zone: 'amel' })]) {
      expect(bad).toThrow(DomainError);
    }
    expect(scope('28', { zone: 'amel' }).breakdown.zone).toBe('amel');
  });

  it('is equal only to the same territory with the same breakdown', () => {
    expect(sameScope(scope('41', { zone: 'publique' }), scopeOf({ territory: '41', zone: 'publique' }))).toBe(true);
    expect(sameScope(scope('41'), scope('41', { zone: 'publique' }))).toBe(false);
    expect(sameScope(scope('41', { zone: 'privee' }), scope('41', { zone: 'publique' }))).toBe(false);
    expect(sameScope(scope('24'), scope('41'))).toBe(false);
    expect(sameScope(scope(null), scopeOf({ territory: null }))).toBe(true);
    expect(sameScope(scope(null), scope('24'))).toBe(false);
  });

  it('has a key that is equal exactly when the scopes are', () => {
    const scopes = [scope('24'), scope('24', { zone: 'privee' }), scope('28', { zone: 'amel' }), scope('41', { zone: 'publique' }), scope(null)];
    expect(scopes.map(scopeKey)).toEqual(['24', '24|zone=privee', '28|zone=amel', '41|zone=publique', '-']);
    for (const a of scopes) for (const b of scopes) expect(scopeKey(a) === scopeKey(b)).toBe(sameScope(a, b));
  });

  it('pairs a value with the target of its own scope only (Annexe 2: the 2025 targets of the Loir-et-Cher)', () => {
    const targets = [
      { value: 83080, territory: '41', zone: 'privee' },
      { value: 139152, territory: '41', zone: 'publique' },
      { value: 222232, territory: '41' },
      { value: 1578372, territory: '24' },
    ];
    expect(targetsFor(scopeOf({ territory: '41', zone: 'publique' }), targets).map((t) => t.value)).toEqual([139152]);
    expect(targetsFor(scope('41'), targets).map((t) => t.value)).toEqual([222232]);
    expect(targetsFor(scope('24'), targets).map((t) => t.value)).toEqual([1578372]);
    expect(targetsFor(scope('18'), targets)).toEqual([]);
  });

  it('knows which scopes lie within others, for roll-ups', () => {
    expect(isWithin(scope('41'), scope('24'))).toBe(true);
    expect(isWithin(scope('41', { zone: 'publique' }), scope('41'))).toBe(true);
    expect(isWithin(scope('41', { zone: 'publique' }), scope('24', { zone: 'publique' }))).toBe(true);
    expect(isWithin(scope('41'), scope('41', { zone: 'publique' }))).toBe(false);
    expect(isWithin(scope('24'), scope('41'))).toBe(false);
    expect(isWithin(scope('41', { zone: 'privee' }), scope('24', { zone: 'publique' }))).toBe(false);
    expect(isWithin(scope(null), scope('24'))).toBe(false);
    expect(isWithin(scope(null), scope(null))).toBe(true);
  });
});
