import type { SheetView } from './sheet-view.js';

/** One row of the roll-up per enjeu: how a version's sheets under one enjeu stand. */
export interface RollupRow {
  roadmapId: string;
  version: string;
  enjeu: string | null;
  sheets: number;
  active: number;
  completed: number;
  abandoned: number;
  retired: number;
  carriedOver: number;
  milestonesPlanned: number;
  milestonesReached: number;
  indicators: number;
  indicatorsReported: number;
  indicatorsOnTarget: number;
}

export const emptyRollup = (roadmapId: string, version: string, enjeu: string | null): RollupRow => ({
  roadmapId, version, enjeu, sheets: 0, active: 0, completed: 0, abandoned: 0, retired: 0, carriedOver: 0,
  milestonesPlanned: 0, milestonesReached: 0, indicators: 0, indicatorsReported: 0, indicatorsOnTarget: 0,
});

/**
 * Counts one sheet into its group. Shared by the enjeu_rollup read model and the time-travel roll-up,
 * so that both apply the same rules.
 */
export function countIntoRollup(r: RollupRow, outcome: string, doc: SheetView): void {
  r.sheets++;
  if (outcome === 'active') r.active++;
  else if (outcome === 'completed') r.completed++;
  else if (outcome === 'abandoned') r.abandoned++;
  else if (outcome === 'carried_over') r.carriedOver++;
  else r.retired++;
  r.milestonesPlanned += doc.milestones.length;
  r.milestonesReached += doc.milestones.filter((m) => m.reachedOn).length;
  r.indicators += doc.indicators.length;
  for (const ind of doc.indicators) {
    if (ind.reportCount > 0) r.indicatorsReported++;
    const target = ind.targets.length ? ind.targets[ind.targets.length - 1]! : null;
    if (target && ind.latest && ind.latest.value >= target.value) r.indicatorsOnTarget++;
  }
}
