import { compareDated, parseDated } from '../shared/dated.js';
import { meetsTarget, type Qualifier, type TargetOutcome } from '../shared/quantity.js';
import { scope, scopeKey, scopeOf, targetsFor, type Scope } from '../shared/scope.js';
import { REGION_CODE } from '../shared/territory.js';
import type { Target } from './sheet.events.js';

/*
 * The targets of an indicator. A target has a scope (territory and zone), a due date as printed
 * (or none: the document gives a few targets without one) and a label; (scope, due, label) is its
 * identity. A value is compared only with the targets of its own scope (scope.ts): the 2025 target
 * of the public zone of the Loir-et-Cher says nothing about the region's total.
 */

/** The last day a target's due date can mean; null without a date or with an open end. */
export const targetDay = (t: Pick<Target, 'due'>): string | null => (t.due == null ? null : parseDated(t.due).end);

/** Equal keys ⇔ the same target (its value may differ: setting it again revises it). */
export const targetKey = (t: Pick<Target, 'due' | 'label' | 'territory' | 'zone'>): string => `${scopeKey(scopeOf(t))}#${t.due ?? ''}#${t.label ?? ''}`;

const compareDue = (a: Target, b: Target): number => {
  if (a.due === b.due) return 0;
  if (a.due === null) return 1;
  if (b.due === null) return -1;
  return compareDated(parseDated(a.due), parseDated(b.due));
};

/** Targets by due date, earliest first, dateless last; those of the same date keep the order they were given in. */
export function sortTargets(targets: readonly Target[]): Target[] {
  return [...targets].sort(compareDue);
}

/** Setting a target replaces the one of the same identity (scope, due, label) and keeps the others. */
export function mergeTarget(targets: readonly Target[], target: Target): Target[] {
  const key = targetKey(target);
  return sortTargets([...targets.filter((t) => targetKey(t) !== key), target]);
}

/**
 * The target a value of scope `scope` is compared with: among the targets of that scope, the one
 * of the latest due date (a dated one before a dateless one); when several share it, the largest.
 * Does not rely on the order of `targets`.
 */
export function finalTarget<T extends Target>(indicator: { targets: readonly T[] }, scope: Scope): T | null {
  let best: T | null = null;
  for (const t of targetsFor(scope, indicator.targets)) {
    const order = best ? compareFinal(t, best) : 1;
    if (order > 0 || (order === 0 && t.value > best!.value)) best = t;
  }
  return best;
}

// A later end wins; a dateless target only when nothing is dated.
function compareFinal(a: Target, b: Target): number {
  const x = targetDay(a);
  const y = targetDay(b);
  if (x === y) return 0;
  if (x === null) return a.due === null ? -1 : 1;
  if (y === null) return b.due === null ? 1 : -1;
  return x < y ? -1 : 1;
}

/**
 * The final target a regional value is measured against: its own scope's, else, for a value of the
 * region or of no territory, the target of the other of those two with the same zone. A target
 * given without a territory (every target of schema version 1, and one set over the API without
 * it) is read as the region's, as the read models read a report without one; a department's or a
 * zone's target is never borrowed.
 */
export function finalTargetFor<T extends Target>(indicator: { targets: readonly T[] }, own: Scope): T | null {
  const exact = finalTarget(indicator, own);
  if (exact) return exact;
  const other = regionalCounterpart(own);
  return other ? finalTarget(indicator, other) : null;
}

/** For the region's scope, that of no territory with the same zone, and the reverse; null for any other (or for the AMEL zone, the Eure-et-Loir's). */
export function regionalCounterpart(own: Scope): Scope | null {
  if (own.territory !== null && own.territory !== REGION_CODE) return null;
  if (own.breakdown.zone === 'amel') return null;
  return scope(own.territory === null ? REGION_CODE : null, own.breakdown);
}

export interface ScopedValue {
  value: number;
  qualifier?: Qualifier;
  territory: string | null;
  zone?: string | null;
}

/**
 * Whether a value meets the final target of its own scope (see finalTargetFor): `met`, `not_met`, or `undetermined`
 * when its qualifier leaves both possible ("un peu plus de 80 %" against 82 %); null without a
 * value or without a target of that scope.
 */
export function againstFinalTarget(indicator: { targets: readonly Target[] }, latest: ScopedValue | null): TargetOutcome | null {
  if (!latest) return null;
  let own: Scope;
  try {
    own = scopeOf(latest);
  } catch {
    // A zone written as free text before zones were checked (schema version 1) has no target to meet.
    return null;
  }
  const target = finalTargetFor(indicator, own);
  if (!target) return null;
  return meetsTarget({ value: latest.value, qualifier: latest.qualifier ?? 'exact' }, { value: target.value, qualifier: target.qualifier ?? 'exact' });
}

/** Whether the value surely reaches its final target; null when there is no target of its scope, no value, or the words leave it open. */
export function reachesFinalTarget(indicator: { targets: readonly Target[] }, latest: ScopedValue | null): boolean | null {
  const outcome = againstFinalTarget(indicator, latest);
  return outcome === null || outcome === 'undetermined' ? null : outcome === 'met';
}
