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
  /** Abandoned projects, and sheets retired because they did not gather enough partners. */
  abandoned: number;
  /** Retired "achevés ou non reconduits": the sources do not say which. */
  completedOrNotRenewed: number;
  /** Retired without a reason the sources give. */
  unstated: number;
  /** Retired for any other reason. */
  retired: number;
  carriedOver: number;
  milestonesPlanned: number;
  milestonesReached: number;
  indicators: number;
  indicatorsReported: number;
  indicatorsOnTarget: number;
}

export const emptyRollup = (roadmapId: string, version: string, enjeu: string | null): RollupRow => ({
  roadmapId, version, enjeu, sheets: 0, active: 0, completed: 0, abandoned: 0, completedOrNotRenewed: 0, unstated: 0, retired: 0, carriedOver: 0,
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
export function countIntoRollup(r: RollupRow, outcome: string, doc: SheetView, reason: string | null = null): void {
  r.sheets++;
  if (outcome === 'active') r.active++;
  else if (outcome === 'completed') r.completed++;
  else if (outcome === 'abandoned' || reason === 'insufficient_partners') r.abandoned++;
  else if (outcome === 'carried_over') r.carriedOver++;
  else if (reason === 'completed_or_not_renewed') r.completedOrNotRenewed++;
  else if (reason === 'unstated') r.unstated++;
  else r.retired++;
  const c = sheetCounters(doc);
  r.milestonesPlanned += c.milestonesPlanned;
  r.milestonesReached += c.milestonesReached;
  r.indicators += c.indicators;
  r.indicatorsReported += c.indicatorsReported;
  r.indicatorsOnTarget += c.indicatorsOnTarget;
}

const ROLLUP_GROUP_SQL = `CASE
    WHEN v.outcome IN ('active', 'completed', 'carried_over') THEN v.outcome
    WHEN v.outcome = 'abandoned' OR v.outcomeReason = 'insufficient_partners' THEN 'abandoned'
    WHEN v.outcomeReason IN ('completed_or_not_renewed', 'unstated') THEN v.outcomeReason
    ELSE 'retired' END`;

/**
 * The roll-up per enjeu as a query over sheet_versions (the outcome per version, and the counters of
 * the sheet as it stood in that version): nothing to recompute when a sheet changes. Same columns,
 * rows and rules as countIntoRollup.
 */
export const ENJEU_ROLLUP_VIEW_SQL = `CREATE VIEW IF NOT EXISTS enjeu_rollup AS
  SELECT roadmapId, version, enjeu, COUNT(*) AS sheets,
    SUM(grp = 'active') AS active, SUM(grp = 'completed') AS completed, SUM(grp = 'abandoned') AS abandoned,
    SUM(grp = 'completed_or_not_renewed') AS completedOrNotRenewed, SUM(grp = 'unstated') AS unstated,
    SUM(grp = 'retired') AS retired, SUM(grp = 'carried_over') AS carriedOver,
    SUM(milestonesPlanned) AS milestonesPlanned, SUM(milestonesReached) AS milestonesReached, SUM(indicators) AS indicators,
    SUM(indicatorsReported) AS indicatorsReported, SUM(indicatorsOnTarget) AS indicatorsOnTarget
  FROM (SELECT v.*, ${ROLLUP_GROUP_SQL} AS grp FROM sheet_versions v)
  GROUP BY roadmapId, version, enjeu`;
