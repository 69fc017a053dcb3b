import { nextValueDue, parseDated, type ReportingFrequency } from '#domain';
import type { IndicatorFacts, SheetFacts } from './sheet-facts.js';

export interface IndicatorDue {
  kind: 'indicator';
  sheetId: string;
  number: string;
  sheetTitle: string;
  indicatorId: string;
  name: string;
  frequency: ReportingFrequency;
  /** The latest value's day (any scope), or null when none is reported. */
  lastObservedOn: string | null;
  dueOn: string;
  /** Whole days past dueOn on `today`; 0 or less: not yet late. */
  daysLate: number;
}

export interface MilestoneDue {
  kind: 'milestone';
  sheetId: string;
  number: string;
  sheetTitle: string;
  milestoneId: string;
  title: string;
  due: string;
  /** The last day of the due period. */
  dueOn: string;
  daysLate: number;
}

export type DueItem = IndicatorDue | MilestoneDue;

const DAY = 86_400_000;
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);

/**
 * When an indicator's next value is due: one period after its latest observation (any scope: a
 * department's figure counts as reporting); with nothing reported, one period after the sheet was
 * recorded. `once`: due by the final target's date until a value exists, never after. No frequency:
 * nothing is due.
 */
export function indicatorDueOn(ind: IndicatorFacts, createdOn: string): { dueOn: string; lastObservedOn: string | null } | null {
  if (!ind.frequency) return null;
  const lastObservedOn = ind.reports.reduce<string | null>((d, r) => (d === null || r.observedOn > d ? r.observedOn : d), null);
  if (ind.frequency === 'once') {
    if (lastObservedOn !== null || !ind.target) return null;
    return { dueOn: ind.target.by, lastObservedOn };
  }
  return { dueOn: nextValueDue(lastObservedOn ?? createdOn, ind.frequency)!, lastObservedOn };
}

/**
 * Everything due for an organisation's open sheets: each indicator's next value (late or not) and
 * each milestone not reached that has a last day to be late against, with that day. `daysLate` > 0 is late. Sorted by
 * due day, then sheet number.
 */
export function dueItems(sheets: readonly SheetFacts[], today: string): DueItem[] {
  const items: DueItem[] = [];
  for (const s of sheets) {
    if (s.status !== 'active') continue;
    const about = { sheetId: s.sheetId, number: s.number, sheetTitle: s.title };
    for (const ind of s.indicators) {
      const due = indicatorDueOn(ind, s.createdOn);
      if (due) items.push({ kind: 'indicator', ...about, indicatorId: ind.indicatorId, name: ind.name, frequency: ind.frequency!, ...due, daysLate: daysBetween(due.dueOn, today) });
    }
    for (const m of s.milestones) {
      if (m.reachedOn || !m.due) continue;
      // An open-ended due date ("2024 et ensuite", "après 2023") has no last day: it is never late.
      // A milestone with a relative horizon only ("à 3 ans") has no due date at all.
      const dueOn = parseDated(m.due).end;
      if (dueOn === null) continue;
      items.push({ kind: 'milestone', ...about, milestoneId: m.milestoneId, title: m.title, due: m.due, dueOn, daysLate: daysBetween(dueOn, today) });
    }
  }
  return items.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.number.localeCompare(b.number, undefined, { numeric: true }));
}

/** Only what is late on `today`: the indicators whose latest value is older than their frequency allows, and milestones past due. */
export const overdueItems = (sheets: readonly SheetFacts[], today: string) => dueItems(sheets, today).filter((i) => i.daysLate > 0);
