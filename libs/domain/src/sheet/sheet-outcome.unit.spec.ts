import { describe, expect, it } from '@jest/globals';
import { evolveSheetOutcomes, outcomesSetBy, sheetOutcomes, type SheetOutcomes } from './sheet-outcome.js';
import type { SheetEvent } from './sheet.events.js';

const sheetId = 's1';
const created = (version = 'V3'): SheetEvent => ({
  type: 'SheetCreated',
  data: {
    sheetId, roadmapId: 'r', version, number: '1.1', kind: 'projet', enjeu: 'inclusion', title: 'T', objective: null, theme: null, context: null,
    objectives: null, pilots: ['org-a'], partners: [], indicators: [], milestones: [], continues: [],
  },
});
const carried = (fromVersion: string, toVersion: string): SheetEvent => ({ type: 'SheetCarriedOver', data: { sheetId, fromVersion, toVersion, changes: {}, addedIndicators: [], addedMilestones: [] } });
const completed: SheetEvent = { type: 'ProjectCompleted', data: { sheetId, completedOn: '2024-06-30', summary: 'done' } };
const abandoned: SheetEvent = { type: 'ProjectAbandoned', data: { sheetId, reason: 'no_funding', explanation: 'no money', effectiveOn: '2024-01-31' } };
const retired = (version: string, more: { reason?: 'not_renewed' | 'merged'; mergedInto?: string | null } = {}): SheetEvent => ({
  type: 'SheetRetired', data: { sheetId, version, reason: more.reason ?? 'not_renewed', explanation: 'why', effectiveOn: null, mergedInto: more.mergedInto ?? null },
});
const revised: SheetEvent = { type: 'SheetRevised', data: { sheetId, changes: { title: 'U' }, reason: null } };

/** given these events → then, per version, these outcomes. */
const given = (...events: SheetEvent[]) => ({
  then: (expected: Record<string, Partial<ReturnType<typeof outcomeOf>>>) => {
    const state = sheetOutcomes(events);
    expect(Object.fromEntries([...state.byVersion].map(([v, o]) => [v, o]))).toEqual(
      Object.fromEntries(Object.entries(expected).map(([v, o]) => [v, expect.objectContaining({ version: v, ...o })])),
    );
    return state;
  },
});
const outcomeOf = (s: SheetOutcomes, v: string) => s.byVersion.get(v)!;

describe('how a sheet ended in each version', () => {
  it('a created sheet is active in its version, and stays so when revised', () => {
    given(created('V3')).then({ V3: { outcome: 'active' } });
    given(created('V3'), revised).then({ V3: { outcome: 'active' } });
  });

  it('a carry-over ends the version it leaves and starts the next one', () => {
    given(created('V3'), carried('V3', 'V4')).then({ V3: { outcome: 'carried_over', nextVersion: 'V4' }, V4: { outcome: 'active', nextVersion: null } });
  });

  it('a completion or an abandonment closes the sheet in its current version only', () => {
    given(created('V3'), carried('V3', 'V4'), completed).then({
      V3: { outcome: 'carried_over' }, V4: { outcome: 'completed', on: '2024-06-30', explanation: 'done' },
    });
    given(created('V3'), abandoned).then({ V3: { outcome: 'abandoned', reason: 'no_funding', explanation: 'no money', on: '2024-01-31' } });
  });

  it('a retired sheet ended as retired, unless it had closed before: then it is remembered for how it closed', () => {
    given(created('V3'), retired('V3', { reason: 'merged', mergedInto: 'other' })).then({ V3: { outcome: 'retired', reason: 'merged', mergedInto: 'other' } });
    given(created('V3'), completed, retired('V3')).then({ V3: { outcome: 'completed', reason: 'not_renewed' } });
    given(created('V3'), abandoned, retired('V3')).then({ V3: { outcome: 'abandoned' } });
  });

  it('events that do not change how the sheet stands set no outcome', () => {
    const before = sheetOutcomes([created('V3')]);
    const report: SheetEvent = { type: 'IndicatorReported', data: { sheetId, indicatorId: 'i', reportId: 'r1', value: 1, qualifier: 'exact', observed: '2024-01-01', observedOn: '2024-01-01', territory: null, zone: null, source: null, comment: null } };
    expect(outcomesSetBy(before, report)).toEqual([]);
    expect(evolveSheetOutcomes(before, report).byVersion).toBe(before.byVersion);
  });
});

describe('why a sheet continued', () => {
  it('the carry-over\'s reason is the explanation of how it ended in the version it left', () => {
    const withReason: SheetEvent = { type: 'SheetCarriedOver', data: { sheetId, fromVersion: 'V3', toVersion: 'V4', changes: {}, addedIndicators: [], addedMilestones: [], reason: 'Le projet se poursuit dans la fiche V4 3.9.' } };
    given(created(), withReason).then({
      V3: { outcome: 'carried_over', nextVersion: 'V4', explanation: 'Le projet se poursuit dans la fiche V4 3.9.' },
      V4: { outcome: 'active', explanation: null },
    });
    // Events written before the reason existed carry none.
    given(created(), carried('V3', 'V4')).then({ V3: { outcome: 'carried_over', explanation: null }, V4: { outcome: 'active' } });
  });
});
