import type { Target } from './sheet.events.js';

/*
 * The targets of an indicator. Every target has a day (`by`, a calendar day the decider checks): a
 * target the sources give without a date is not recorded at all (the seed leaves it out), so there
 * is no dateless target to place.
 *
 * Several targets may share a day: the sources give one per department and zone, and targets carry
 * no territory. They are kept, in the order given.
 */

/** Targets by day, earliest first; those of the same day keep the order they were given in. */
export function sortTargets(targets: readonly Target[]): Target[] {
  return [...targets].sort((a, b) => (a.by < b.by ? -1 : a.by > b.by ? 1 : 0));
}

/** Setting a target for a day replaces the targets of that day. */
export function mergeTarget(targets: readonly Target[], target: Target): Target[] {
  return sortTargets([...targets.filter((t) => t.by !== target.by), target]);
}

/**
 * The target the latest value is compared with: the one of the latest day. When several share it,
 * the largest, which is the regional total of the per-department figures. Does not rely on the
 * order of `targets` (documents written before targets were sorted are read with it too).
 */
export function finalTarget(indicator: { targets: readonly Target[] }): Target | null {
  let best: Target | null = null;
  for (const t of indicator.targets) if (!best || t.by > best.by || (t.by === best.by && t.value > best.value)) best = t;
  return best;
}

/** Whether the latest value reaches the final target; null when there is no target or no value. */
export function reachesFinalTarget(indicator: { targets: readonly Target[] }, latest: { value: number } | null): boolean | null {
  const target = finalTarget(indicator);
  return target && latest ? latest.value >= target.value : null;
}
