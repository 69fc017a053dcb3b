import { describe, expect, it } from '@jest/globals';
import { finalTarget, mergeTarget, reachesFinalTarget, sortTargets } from './indicator-targets.js';

const t = (value: number, by: string, label: string | null = null) => ({ value, by, label });

describe('finalTarget', () => {
  it('is the target of the latest day, whatever the order the targets were given in', () => {
    expect(finalTarget({ targets: [t(100, '2026-12-31'), t(40, '2024-12-31')] })).toEqual(t(100, '2026-12-31'));
    expect(finalTarget({ targets: [t(40, '2024-12-31'), t(100, '2026-12-31')] })).toEqual(t(100, '2026-12-31'));
  });

  it('takes the largest of the targets sharing the latest day (the regional total of per-department targets)', () => {
    expect(finalTarget({ targets: [t(81686, '2025-12-31'), t(1578372, '2025-12-31'), t(93479, '2025-12-31'), t(5, '2024-01-01')] })?.value).toBe(1578372);
  });

  it('is null without targets', () => {
    expect(finalTarget({ targets: [] })).toBeNull();
  });

  it('decides whether the latest value reaches it', () => {
    const indicator = { targets: [t(100, '2026-12-31'), t(40, '2024-12-31')] };
    // 50 passes the intermediate target of 2024, not the final one of 2026.
    expect(reachesFinalTarget(indicator, { value: 50 })).toBe(false);
    expect(reachesFinalTarget(indicator, { value: 100 })).toBe(true);
    expect(reachesFinalTarget(indicator, null)).toBeNull();
    expect(reachesFinalTarget({ targets: [] }, { value: 50 })).toBeNull();
  });
});

describe('sortTargets and mergeTarget', () => {
  it('sort by day, keeping the given order within a day', () => {
    expect(sortTargets([t(100, '2026-12-31'), t(2, '2024-12-31'), t(1, '2024-12-31')])).toEqual([t(2, '2024-12-31'), t(1, '2024-12-31'), t(100, '2026-12-31')]);
  });

  it('a target set for a day replaces that day\'s targets and keeps the list sorted', () => {
    const targets = [t(40, '2024-12-31'), t(100, '2026-12-31')];
    expect(mergeTarget(targets, t(60, '2025-12-31'))).toEqual([t(40, '2024-12-31'), t(60, '2025-12-31'), t(100, '2026-12-31')]);
    expect(mergeTarget(targets, t(120, '2026-12-31', 'revised'))).toEqual([t(40, '2024-12-31'), t(120, '2026-12-31', 'revised')]);
    expect(targets).toEqual([t(40, '2024-12-31'), t(100, '2026-12-31')]);
  });
});
