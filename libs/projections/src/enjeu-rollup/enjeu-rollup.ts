import { reachesFinalTarget } from '#domain';
import type { SheetView } from '../sheets/sheet-view.js';

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

/** What one sheet adds to its group besides its outcome: kept as columns of sheet_summary. */
export interface SheetCounters {
  milestonesPlanned: number;
  milestonesReached: number;
  indicators: number;
  indicatorsReported: number;
  indicatorsOnTarget: number;
}

export function sheetCounters(doc: SheetView): SheetCounters {
  let milestonesReached = 0;
  for (const m of doc.milestones) if (m.reachedOn) milestonesReached++;
  let indicatorsReported = 0;
  let indicatorsOnTarget = 0;
  for (const ind of doc.indicators) {
    if (ind.reportCount > 0) indicatorsReported++;
    if (reachesFinalTarget(ind, ind.latest)) indicatorsOnTarget++;
  }
  return { milestonesPlanned: doc.milestones.length, milestonesReached, indicators: doc.indicators.length, indicatorsReported, indicatorsOnTarget };
}

/**
 * Counts one sheet into its group. Shared by the time-travel roll-up and, through `sheetCounters`
 * and the outcome rule of ROLLUP_OUTCOME_SQL, by the enjeu_rollup view, so that both apply the same rules.
 */
export function countIntoRollup(r: RollupRow, outcome: string, doc: SheetView): void {
  r.sheets++;
  if (outcome === 'active') r.active++;
  else if (outcome === 'completed') r.completed++;
  else if (outcome === 'abandoned') r.abandoned++;
  else if (outcome === 'carried_over') r.carriedOver++;
  else r.retired++;
  const c = sheetCounters(doc);
  r.milestonesPlanned += c.milestonesPlanned;
  r.milestonesReached += c.milestonesReached;
  r.indicators += c.indicators;
  r.indicatorsReported += c.indicatorsReported;
  r.indicatorsOnTarget += c.indicatorsOnTarget;
}

/**
 * The roll-up per enjeu as a query over sheet_versions (the outcome per version) and the counters of
 * sheet_summary: nothing to recompute when a sheet changes. Same columns, rows and rules as
 * countIntoRollup (any outcome other than the four named ones counts as retired).
 */
export const ENJEU_ROLLUP_VIEW_SQL = `CREATE VIEW IF NOT EXISTS enjeu_rollup AS
  SELECT v.roadmapId AS roadmapId, v.version AS version, v.enjeu AS enjeu, COUNT(*) AS sheets,
    SUM(v.outcome = 'active') AS active, SUM(v.outcome = 'completed') AS completed, SUM(v.outcome = 'abandoned') AS abandoned,
    SUM(v.outcome NOT IN ('active', 'completed', 'abandoned', 'carried_over')) AS retired, SUM(v.outcome = 'carried_over') AS carriedOver,
    SUM(s.milestonesPlanned) AS milestonesPlanned, SUM(s.milestonesReached) AS milestonesReached, SUM(s.indicators) AS indicators,
    SUM(s.indicatorsReported) AS indicatorsReported, SUM(s.indicatorsOnTarget) AS indicatorsOnTarget
  FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
  GROUP BY v.roadmapId, v.version, v.enjeu`;
