import { describe, expect, it } from '@jest/globals';
import { scope } from '../shared/scope.js';
import { againstFinalTarget, finalTarget, mergeTarget, reachesFinalTarget, sortTargets } from './indicator-targets.js';
import type { Target } from './sheet.events.js';

const t = (value: number, due: string | null, label: string | null = null, where: Partial<Pick<Target, 'territory' | 'zone' | 'qualifier'>> = {}): Target =>
  ({ value, qualifier: 'exact', due, horizon: null, territory: null, zone: null, label, ...where });
const none = scope(null);

describe('finalTarget', () => {
  it('is the target of the latest due date, whatever the order the targets were given in', () => {
    expect(finalTarget({ targets: [t(100, '2026-12-31'), t(40, '2024-12-31')] }, none)).toEqual(t(100, '2026-12-31'));
    expect(finalTarget({ targets: [t(40, '2024-12-31'), t(100, '2026-12-31')] }, none)).toEqual(t(100, '2026-12-31'));
  });

  it('compares due dates by their last day: "2026" comes after "2026-06"', () => {
    expect(finalTarget({ targets: [t(100, '2026'), t(40, '2026-06')] }, none)?.value).toBe(100);
  });

  it('takes the largest of the targets of one scope sharing the latest date', () => {
    expect(finalTarget({ targets: [t(81686, '2025-12-31'), t(93479, '2025-12-31', 'x'), t(5, '2024-01-01')] }, none)?.value).toBe(93479);
  });

  it('is the target of the value\'s own scope only: a department\'s or a zone\'s target is not the region\'s', () => {
    const targets = [t(1578372, '2025', null, { territory: '24' }), t(139152, '2025', null, { territory: '41', zone: 'publique' }), t(70013, '2025', null, { territory: '28', zone: 'amel' })];
    expect(finalTarget({ targets }, scope('24'))?.value).toBe(1578372);
    expect(finalTarget({ targets }, scope('41', { zone: 'publique' }))?.value).toBe(139152);
    expect(finalTarget({ targets }, scope('41'))).toBeNull();
    expect(finalTarget({ targets }, scope('28', { zone: 'amel' }))?.value).toBe(70013);
  });

  it('a dateless target is final only when its scope has no dated one', () => {
    expect(finalTarget({ targets: [t(137, null)] }, none)?.value).toBe(137);
    expect(finalTarget({ targets: [t(137, null), t(100, '2025')] }, none)?.value).toBe(100);
  });

  it('is null without targets', () => {
    expect(finalTarget({ targets: [] }, none)).toBeNull();
  });

  it('decides whether the latest value reaches it', () => {
    const indicator = { targets: [t(100, '2026-12-31'), t(40, '2024-12-31')] };
    // 50 passes the intermediate target of 2024, not the final one of 2026.
    expect(reachesFinalTarget(indicator, { value: 50, territory: null })).toBe(false);
    expect(reachesFinalTarget(indicator, { value: 100, territory: null })).toBe(true);
    expect(reachesFinalTarget(indicator, null)).toBeNull();
    expect(reachesFinalTarget({ targets: [] }, { value: 50, territory: null })).toBeNull();
  });

  it('an approximate value against a target can be undetermined: neither reached nor missed', () => {
    const indicator = { targets: [t(82, '2022', null, { territory: '24' })] };
    expect(againstFinalTarget(indicator, { value: 80, qualifier: 'slightly_more_than', territory: '24' })).toBe('undetermined');
    expect(reachesFinalTarget(indicator, { value: 80, qualifier: 'slightly_more_than', territory: '24' })).toBeNull();
    expect(againstFinalTarget(indicator, { value: 44, qualifier: 'about', territory: '24' })).toBe('not_met');
    // A value of another scope has no target to meet.
    expect(againstFinalTarget(indicator, { value: 90, territory: '45' })).toBeNull();
  });
});

describe('sortTargets and mergeTarget', () => {
  it('sort by due date, dateless last, keeping the given order within a date', () => {
    expect(sortTargets([t(100, '2026-12-31'), t(7, null), t(2, '2024-12-31'), t(1, '2024-12-31')])).toEqual([t(2, '2024-12-31'), t(1, '2024-12-31'), t(100, '2026-12-31'), t(7, null)]);
  });

  it('a target set again (same scope, due date and label) replaces that one and keeps the list sorted', () => {
    const targets = [t(40, '2024-12-31'), t(100, '2026-12-31')];
    expect(mergeTarget(targets, t(60, '2025-12-31'))).toEqual([t(40, '2024-12-31'), t(60, '2025-12-31'), t(100, '2026-12-31')]);
    expect(mergeTarget(targets, t(120, '2026-12-31'))).toEqual([t(40, '2024-12-31'), t(120, '2026-12-31')]);
    expect(targets).toEqual([t(40, '2024-12-31'), t(100, '2026-12-31')]);
  });

  it('targets of the same date and value in other scopes are all kept (one per department and zone)', () => {
    const targets = [t(100, '2025', null, { territory: '18', zone: 'privee' })];
    expect(mergeTarget(targets, t(100, '2025', null, { territory: '28', zone: 'privee' }))).toHaveLength(2);
    expect(mergeTarget(targets, t(100, '2025', 'revised', { territory: '18', zone: 'privee' }))).toHaveLength(2);
  });
});
