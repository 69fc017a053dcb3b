import type { SheetStatus } from './sheet.decider.js';
import type { SheetEvent } from './sheet.events.js';

/**
 * How a sheet ended in a version it belonged to (or stands, in its current one). Any closure of the
 * sheet (completion, abandonment) happens in its current version; a carry-over ends the version it
 * leaves.
 */
export type SheetOutcomeKind = 'active' | 'completed' | 'abandoned' | 'retired' | 'carried_over';

export interface VersionOutcome {
  version: string;
  outcome: SheetOutcomeKind;
  reason: string | null;
  explanation: string | null;
  /** The day the outcome took effect, when known. */
  on: string | null;
  /** carried_over: the version the sheet moved into. */
  nextVersion: string | null;
  mergedInto: string | null;
}

/** What the fold needs to know of a sheet before an event: its current version and its status. */
export interface SheetPosition {
  version: string;
  status: SheetStatus;
}

export interface SheetOutcomes extends SheetPosition {
  /** Per version, how the sheet ended there; the latest event that says so wins. */
  byVersion: Map<string, VersionOutcome>;
}

export const initialSheetOutcomes = (): SheetOutcomes => ({ version: '', status: 'none', byVersion: new Map() });

const outcome = (version: string, kind: SheetOutcomeKind, more: Partial<Omit<VersionOutcome, 'version' | 'outcome'>> = {}): VersionOutcome => ({
  version, outcome: kind, reason: null, explanation: null, on: null, nextVersion: null, mergedInto: null, ...more,
});

/**
 * The version outcomes one event sets, given where the sheet stood before it. For callers that keep
 * their own document of the sheet (the read model, the time-travel roll-up): they pass its version
 * and status and write what comes back. A `carried_over` outcome describes the sheet as it was
 * before the event; the others, as it is after it.
 */
export function outcomesSetBy(before: SheetPosition, event: SheetEvent): VersionOutcome[] {
  switch (event.type) {
    case 'SheetCreated':
      return [outcome(event.data.version, 'active')];
    case 'SheetRevised':
      // A revision changes what the version row shows (number, enjeu, title), not how the sheet stands.
      return [outcome(before.version, before.status === 'none' ? 'active' : before.status)];
    case 'ProjectCompleted':
      return [outcome(before.version, 'completed', { on: event.data.completedOn, explanation: event.data.summary })];
    case 'ProjectAbandoned':
      return [outcome(before.version, 'abandoned', { reason: event.data.reason, explanation: event.data.explanation, on: event.data.effectiveOn })];
    case 'SheetRetired': {
      const d = event.data;
      // A completed or abandoned sheet that leaves the roadmap is remembered for how it closed.
      const kind = before.status === 'completed' || before.status === 'abandoned' ? before.status : 'retired';
      return [outcome(d.version, kind, { reason: d.reason, explanation: d.explanation, on: d.effectiveOn, mergedInto: d.mergedInto })];
    }
    case 'SheetCarriedOver':
      // Why it continued is the explanation of how it ended in the version it leaves.
      return [outcome(event.data.fromVersion, 'carried_over', { nextVersion: event.data.toVersion, explanation: event.data.reason ?? null }), outcome(event.data.toVersion, 'active')];
    default:
      return [];
  }
}

/** Where the sheet stands after an event, as far as outcomes are concerned (the same transitions as evolveSheet). */
export function positionAfter(before: SheetPosition, event: SheetEvent): SheetPosition {
  switch (event.type) {
    case 'SheetCreated':
      return { version: event.data.version, status: 'active' };
    case 'ProjectCompleted':
      return { ...before, status: 'completed' };
    case 'ProjectAbandoned':
      return { ...before, status: 'abandoned' };
    case 'SheetRetired':
      return { ...before, status: before.status === 'active' ? 'retired' : before.status };
    case 'SheetCarriedOver':
      return { ...before, version: event.data.toVersion };
    default:
      return before;
  }
}

/** The fold: per version, how the sheet ended there. */
export function evolveSheetOutcomes(state: SheetOutcomes, event: SheetEvent): SheetOutcomes {
  const set = outcomesSetBy(state, event);
  const byVersion = set.length ? new Map(state.byVersion) : state.byVersion;
  for (const o of set) byVersion.set(o.version, o);
  return { ...positionAfter(state, event), byVersion };
}

export const sheetOutcomes = (events: readonly SheetEvent[]): SheetOutcomes => events.reduce(evolveSheetOutcomes, initialSheetOutcomes());
