import { assertCalendarDate } from '../shared/calendar.js';
import type { Decider } from '../shared/decider.js';
import { isSlug, todayOf } from '../shared/decider.js';
import { conflict, invalid, notFound, ruleBroken } from '../shared/domain-error.js';
import { assertReportingFrequency, type ReportingFrequency } from '../shared/frequency.js';
import { assertHorizon, type Horizon } from '../shared/horizon.js';
import { isDatedLabel, parseDated, statedOn, type Dated } from '../shared/dated.js';
import { quantity, type Qualifier } from '../shared/quantity.js';
import { scope } from '../shared/scope.js';
import { isTerritory } from '../shared/territory.js';
import { optionalText, requireText, TEXT_LIMITS } from '../shared/text-limits.js';
import { assertFitsUnit, UNITS, type Unit } from '../shared/units.js';
import { isLaterVersion, parseVersionLabel } from '../roadmap/version-label.js';
import { mergeTarget, sortTargets, targetDay, targetKey } from './indicator-targets.js';
import { ReportTable } from './report-table.js';
import type { IndicatorInput, SheetCommand, TargetInput } from './sheet.commands.js';
import {
  ABANDON_REASONS,
  ENJEUX,
  RETIRE_REASONS,
  SHEET_EVENT_SCHEMA_VERSIONS,
  SHEET_KINDS,
  type IndicatorDefinition,
  type MilestoneDefinition,
  type MilestoneDue,
  type SheetEvent,
  type SheetFields,
  type Target,
} from './sheet.events.js';

export type SheetStatus = 'none' | 'active' | 'completed' | 'abandoned' | 'retired';

export type { ReportState } from './report-table.js';

export interface IndicatorState {
  indicatorId: string;
  name: string;
  unit: Unit;
  /** Sorted by due date (see indicator-targets.ts). */
  targets: Target[];
  reports: ReportTable;
  /** Absent until the secretariat sets one. */
  frequency?: ReportingFrequency | null;
}

export interface MilestoneState {
  milestoneId: string;
  title: string;
  due: string | null;
  uncertain?: true;
  horizon?: Horizon;
  reachedOn: string | null;
  /** A pilot gave it a new date since its definition: a correction of the definition no longer applies. */
  rescheduled?: true;
}

export interface SheetState {
  status: SheetStatus;
  sheetId: string;
  roadmapId: string;
  /** The roadmap version the sheet currently belongs to. */
  version: string;
  fields: SheetFields;
  indicators: Map<string, IndicatorState>;
  milestones: Map<string, MilestoneState>;
  /** Every version the sheet has belonged to, with its number there (null: the sources do not give it). */
  versions: { version: string; number: string | null }[];
  retired: { version: string; reason: string } | null;
  /** Recorded after the fact from an assessment: its number, kind, enjeu and pilots may stay unknown. */
  historic: boolean;
}

const EMPTY_FIELDS: SheetFields = {
  number: '', kind: 'projet', enjeu: 'transversal', title: '', objective: null, theme: null, context: null, objectives: null, pilots: [], partners: [],
};

export const initialSheetState = (): SheetState => ({
  status: 'none', sheetId: '', roadmapId: '', version: '', fields: EMPTY_FIELDS,
  indicators: new Map(), milestones: new Map(), versions: [], retired: null, historic: false,
});

/** A sheet's number in a version: `4.13`, `3.10`, `2`. */
export const SHEET_NUMBER = /^\d{1,2}(\.\d{1,3}){0,2}$/;

function indicatorState(def: IndicatorDefinition): IndicatorState {
  // Sorted here too: events stored before the decider sorted targets may give them in any order.
  return { indicatorId: def.indicatorId, name: def.name, unit: def.unit, targets: sortTargets(def.targets), reports: new ReportTable() };
}
function milestoneState(def: MilestoneDefinition): MilestoneState {
  return { milestoneId: def.milestoneId, title: def.title, ...dueOf(def), reachedOn: null };
}

/** A definition's due date in the events' shape: the flags only when set. */
function dueOf(m: { due: string | null; uncertain?: boolean; horizon?: Horizon | null }): MilestoneDue {
  return { due: m.due, ...(m.uncertain === true ? { uncertain: true as const } : {}), ...(m.horizon ? { horizon: m.horizon } : {}) };
}

/** Whether two milestone definitions give the same due date (label, doubt and horizon). */
export function sameMilestoneDue(a: MilestoneDue, b: MilestoneDue): boolean {
  return a.due === b.due && (a.uncertain === true) === (b.uncertain === true)
    && (a.horizon?.duration ?? null) === (b.horizon?.duration ?? null) && (a.horizon?.from ?? null) === (b.horizon?.from ?? null)
    && (a.horizon?.printed ?? null) === (b.horizon?.printed ?? null);
}

/** A sheet read back from a snapshot: its report tables made tables again (see ReportTable). Changes `state` in place. */
export function restoreSheet(state: SheetState): SheetState {
  for (const ind of state.indicators.values()) ind.reports = ReportTable.revive(ind.reports);
  return state;
}

/**
 * Takes back reports just evolved into a sheet's state (see Decider.revert): the one event a command
 * under load is most often decided on, and the one evolve changes in a single place, the indicator's
 * report table, where each report was added last (decide refuses a report id the table holds). Any
 * other event, or a report that is not its table's last, gives null: the state is then read again.
 */
export function revertSheet(state: SheetState, events: readonly SheetEvent[]): SheetState | null {
  if (!events.every((e) => e.type === 'IndicatorReported')) return null;
  for (let i = events.length - 1; i >= 0; i--) {
    const d = (events[i] as Extract<SheetEvent, { type: 'IndicatorReported' }>).data;
    if (state.indicators.get(d.indicatorId)?.reports.removeLast(d.reportId) !== true) return null;
  }
  return state;
}

/**
 * evolve updates the state it is given in place (its indicator and milestone maps and their entries)
 * and returns it, or returns a shallow copy that shares those maps: folding 100 000 events must stay
 * cheap. A state is never used again once evolved (the state cache takes it out while a command runs),
 * so nothing observes the sharing.
 */
export function evolveSheet(state: SheetState, event: SheetEvent): SheetState {
  switch (event.type) {
    case 'SheetCreated': {
      const d = event.data;
      return {
        status: 'active', sheetId: d.sheetId, roadmapId: d.roadmapId, version: d.version,
        fields: { number: d.number, kind: d.kind, enjeu: d.enjeu, title: d.title, objective: d.objective, theme: d.theme, context: d.context, objectives: d.objectives, pilots: d.pilots, partners: d.partners },
        indicators: new Map(d.indicators.map((i) => [i.indicatorId, indicatorState(i)])),
        milestones: new Map(d.milestones.map((m) => [m.milestoneId, milestoneState(m)])),
        versions: [{ version: d.version, number: d.number }],
        retired: null,
        historic: d.historic === true,
      };
    }
    case 'SheetRevised':
      return { ...state, fields: { ...state.fields, ...event.data.changes }, versions: renumber(state, event.data.changes.number) };
    case 'SheetVersionRecordCorrected': {
      const d = event.data;
      const versions = state.versions.map((v) => (v.version === d.version ? { ...v, number: d.number } : v));
      return { ...state, versions, fields: state.version === d.version ? { ...state.fields, number: d.number } : state.fields };
    }
    case 'IndicatorAdded':
      state.indicators.set(event.data.indicator.indicatorId, indicatorState(event.data.indicator));
      return state;
    case 'MilestoneAdded':
      state.milestones.set(event.data.milestone.milestoneId, milestoneState(event.data.milestone));
      return state;
    case 'IndicatorTargetSet': {
      const ind = state.indicators.get(event.data.indicatorId);
      if (ind) ind.targets = mergeTarget(ind.targets, event.data.target);
      return state;
    }
    case 'IndicatorReported': {
      const d = event.data;
      state.indicators.get(d.indicatorId)?.reports.set(d.reportId, { value: d.value, qualifier: d.qualifier, observed: d.observed, observedOn: d.observedOn, territory: d.territory });
      return state;
    }
    case 'IndicatorReportCorrected': {
      const d = event.data;
      const reports = state.indicators.get(d.indicatorId)?.reports;
      const report = reports?.get(d.reportId);
      if (report) reports!.set(d.reportId, { ...report, value: d.value, observed: d.observed, observedOn: d.observedOn, ...(d.qualifier ? { qualifier: d.qualifier } : {}) });
      return state;
    }
    case 'MilestoneReached': {
      const m = state.milestones.get(event.data.milestoneId);
      if (m) m.reachedOn = event.data.reachedOn;
      return state;
    }
    case 'MilestoneRescheduled': {
      const m = state.milestones.get(event.data.milestoneId);
      if (m) {
        m.due = event.data.due;
        if (event.data.uncertain) m.uncertain = true;
        else delete m.uncertain;
        delete m.horizon;
        m.rescheduled = true;
      }
      return state;
    }
    case 'MilestoneDefinitionCorrected': {
      const m = state.milestones.get(event.data.milestoneId);
      if (m) {
        delete m.uncertain;
        delete m.horizon;
        Object.assign(m, dueOf(event.data));
      }
      return state;
    }
    case 'ProjectCompleted':
      return { ...state, status: 'completed' };
    case 'ProjectAbandoned':
      return { ...state, status: 'abandoned' };
    case 'SheetRetired':
      return { ...state, status: state.status === 'active' ? 'retired' : state.status, retired: { version: event.data.version, reason: event.data.reason } };
    case 'IndicatorFrequencySet': {
      const ind = state.indicators.get(event.data.indicatorId);
      if (ind) ind.frequency = event.data.frequency;
      return state;
    }
    case 'SheetCarriedOver': {
      const d = event.data;
      const fields = { ...state.fields, ...d.changes };
      for (const i of d.addedIndicators) state.indicators.set(i.indicatorId, indicatorState(i));
      for (const m of d.addedMilestones) state.milestones.set(m.milestoneId, milestoneState(m));
      return { ...state, version: d.toVersion, fields, versions: [...state.versions, { version: d.toVersion, number: fields.number }] };
    }
  }
}

function renumber(state: SheetState, number: string | null | undefined) {
  if (number === undefined) return state.versions;
  return state.versions.map((v) => (v.version === state.version ? { ...v, number } : v));
}

// ---------------------------------------------------------------- validation helpers

/**
 * A definition as the events carry it: every target complete (scope, due, qualifier) and sorted by
 * due date, so that every reader finds them in one order. Two targets of the same (scope, due,
 * label) are one target given twice.
 */
function indicatorDefinition(input: IndicatorInput, field: string): IndicatorDefinition {
  if (!isSlug(input.indicatorId)) throw invalid('invalid_id', `${field}.indicatorId must be a kebab-case slug`, { field: `${field}.indicatorId` });
  requireText(`${field}.name`, input.name, TEXT_LIMITS.indicatorName);
  if (!UNITS.includes(input.unit)) throw invalid('invalid_unit', `${field}.unit must be one of ${UNITS.join(', ')}`, { field: `${field}.unit` });
  const targets = (input.targets ?? []).map((t, k) => targetOf(input.unit, t, `${field}.targets[${k}]`));
  const seen = new Set<string>();
  targets.forEach((t, k) => {
    const key = targetKey(t);
    if (seen.has(key)) throw conflict('duplicate_target', `${field}.targets[${k}] has the scope, due date and label of an earlier target`, { field: `${field}.targets[${k}]` });
    seen.add(key);
  });
  return { indicatorId: input.indicatorId, name: input.name, unit: input.unit, targets: sortTargets(targets) };
}

/** Checks a target with the value objects and completes it: `by`, a day, is read as the due date `YYYY-MM-DD`. */
function targetOf(unit: Unit, input: TargetInput, field: string): Target {
  assertFitsUnit(unit, input.value, `${field}.value`);
  const { value, qualifier } = quantity(input.value, input.qualifier ?? 'exact');
  let due: string | null;
  if (input.due !== undefined && input.due !== null) {
    parseDated(input.due, `${field}.due`);
    if (input.by !== undefined && input.by !== targetDay({ due: input.due })) {
      throw invalid('invalid_date', `${field}.by, when given with due, must be its last day`, { field: `${field}.by` });
    }
    due = input.due;
  } else if (input.by !== undefined && input.due === undefined) {
    assertCalendarDate(`${field}.by`, input.by);
    due = input.by;
  } else due = null;
  const where = scope(input.territory ?? null, input.zone ? { zone: input.zone } : {});
  optionalText(`${field}.label`, input.label, TEXT_LIMITS.targetLabel);
  optionalText(`${field}.horizon`, input.horizon, TEXT_LIMITS.targetLabel);
  return { value, qualifier, due, horizon: input.horizon ?? null, territory: where.territory, zone: where.breakdown.zone ?? null, label: input.label ?? null };
}

/** A milestone's due date: any dated label; the error keeps the code it had when due dates were periods. */
function checkDue(label: string, field: string): void {
  if (!isDatedLabel(label)) {
    throw invalid('invalid_period', `${field} must be a date as printed: YYYY, YYYY-S1|S2, YYYY-Q1..Q4, YYYY-MM, YYYY-MM-DD, YYYY[-MM]-early|mid|late, YYYY-spring|summer|autumn, or a range A/B with .. for an open end`, { field });
  }
}

function checkMilestone(def: MilestoneDefinition, field: string): void {
  if (!isSlug(def.milestoneId)) throw invalid('invalid_id', `${field}.milestoneId must be a kebab-case slug`, { field: `${field}.milestoneId` });
  requireText(`${field}.title`, def.title, TEXT_LIMITS.milestoneTitle);
  if (def.due !== null) checkDue(def.due, `${field}.due`);
  if (def.uncertain !== undefined && typeof def.uncertain !== 'boolean') throw invalid('invalid_flag', `${field}.uncertain must be true or false`, { field: `${field}.uncertain` });
  if (def.horizon !== undefined) {
    assertHorizon(def.horizon, `${field}.horizon`);
    // A relative horizon is the whole of what the document says: a day beside it would be invented.
    if (def.due !== null) throw invalid('due_with_horizon', `${field}.due must be null when ${field}.horizon gives the date`, { field: `${field}.due` });
  }
}

function checkFields(changes: Partial<SheetFields>, historic = false): void {
  const unknownAllowed = (v: unknown) => historic && v === null;
  if (changes.number !== undefined && !unknownAllowed(changes.number) && !(typeof changes.number === 'string' && SHEET_NUMBER.test(changes.number))) {
    throw invalid('invalid_number', 'number must look like 4.13', { field: 'number' });
  }
  if (changes.kind !== undefined && !unknownAllowed(changes.kind) && !SHEET_KINDS.includes(changes.kind!)) throw invalid('invalid_kind', `kind must be one of ${SHEET_KINDS.join(', ')}`, { field: 'kind' });
  if (changes.enjeu !== undefined && !unknownAllowed(changes.enjeu) && !ENJEUX.includes(changes.enjeu!)) throw invalid('invalid_enjeu', `enjeu must be one of ${ENJEUX.join(', ')}`, { field: 'enjeu' });
  if (changes.title !== undefined) requireText('title', changes.title, TEXT_LIMITS.sheetTitle);
  optionalText('objective', changes.objective, TEXT_LIMITS.objective);
  optionalText('theme', changes.theme, TEXT_LIMITS.theme);
  optionalText('context', changes.context, TEXT_LIMITS.context);
  optionalText('objectives', changes.objectives, TEXT_LIMITS.objectives);
  if (changes.pilots !== undefined) {
    if (changes.pilots.length === 0 && !historic) throw ruleBroken('pilot_required', 'a sheet needs at least one pilot organisation', { field: 'pilots' });
    changes.pilots.forEach((p, k) => { if (!isSlug(p)) throw invalid('invalid_id', `pilots[${k}] must be an organisation id (kebab-case)`, { field: `pilots[${k}]` }); });
  }
  changes.partners?.forEach((p, k) => { if (!isSlug(p)) throw invalid('invalid_id', `partners[${k}] must be an organisation id (kebab-case)`, { field: `partners[${k}]` }); });
}

/** checkFields only looks at the fields it is given: a creation must give those a sheet cannot do without. */
function requireCreationFields(d: { roadmapId: unknown; version: unknown } & Partial<Record<keyof SheetFields, unknown>>): void {
  if (!isSlug(d.roadmapId)) throw invalid('invalid_id', 'roadmapId must be a kebab-case slug', { field: 'roadmapId' });
  parseVersionLabel(d.version, 'version', 'V4');
  if (d.number === undefined) throw invalid('invalid_number', 'number must look like 4.13', { field: 'number' });
  if (d.kind === undefined) throw invalid('invalid_kind', `kind must be one of ${SHEET_KINDS.join(', ')}`, { field: 'kind' });
  if (d.enjeu === undefined) throw invalid('invalid_enjeu', `enjeu must be one of ${ENJEUX.join(', ')}`, { field: 'enjeu' });
  if (d.title === undefined) throw invalid('missing_text', 'title must be a non-empty text', { field: 'title' });
  if (!Array.isArray(d.pilots)) throw ruleBroken('pilot_required', 'a sheet needs at least one pilot organisation', { field: 'pilots' });
}

const FIELD_NAMES: readonly string[] = ['number', 'kind', 'enjeu', 'title', 'objective', 'theme', 'context', 'objectives', 'pilots', 'partners'] satisfies (keyof SheetFields)[];
const sameValue = (a: unknown, b: unknown) =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, k) => x === b[k]) : a === b;

/**
 * The fields a revision or a carry-over really changes. Evolve merges changes into the fields, so an
 * undefined value would blank a field and an unknown name would add one; a field given with its
 * current value changes nothing and is left out of the history.
 */
function effectiveChanges(state: SheetState, changes: Partial<SheetFields>): Partial<SheetFields> {
  const effective: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    if (!FIELD_NAMES.includes(field)) throw invalid('unknown_field', `${field} is not a field of a sheet`, { field });
    if (value === undefined || sameValue(state.fields[field as keyof SheetFields], value)) continue;
    effective[field] = value;
  }
  return effective as Partial<SheetFields>;
}

function unique(ids: string[], what: string): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw conflict(`duplicate_${what}`, `${what} ${id} is defined twice`, { [`${what}Id`]: id });
    seen.add(id);
  }
}

function notInFuture(field: string, day: string, today: string): void {
  assertCalendarDate(field, day);
  if (day > today) throw ruleBroken('date_in_future', `${field} ${day} is after today (${today})`, { field });
}

/**
 * A past fact dated as printed: "en 2023" may be recorded during 2023, so it is the start of the
 * interval that must not be after today. Its end must be known: a value observed "à partir de 2024"
 * has no day to order it by.
 */
function pastDated(field: string, label: string, today: string): Dated {
  const dated = parseDated(label, field);
  if (dated.start === null || dated.end === null) throw invalid('open_date', `${field} must have a start and an end`, { field });
  if (dated.start > today) throw ruleBroken('date_in_future', `${field} ${label} starts after today (${today})`, { field });
  return dated;
}

/** The printed date of a report and its last day, from `observed` (a dated label) or `observedOn` (a day). */
function observedOf(d: { observed?: string; observedOn?: string }, today: string): { observed: string; observedOn: string } {
  if (d.observed === undefined) {
    notInFuture('observedOn', d.observedOn as string, today);
    return { observed: d.observedOn!, observedOn: d.observedOn! };
  }
  const dated = pastDated('observed', d.observed, today);
  if (d.observedOn !== undefined && d.observedOn !== dated.end) throw invalid('invalid_date', `observedOn, when given with observed, must be its last day (${dated.end})`, { field: 'observedOn' });
  return { observed: d.observed, observedOn: dated.end! };
}

function requireOpen(state: SheetState): void {
  if (state.status === 'none') throw notFound('sheet_not_found', 'no such sheet');
  if (state.status !== 'active') {
    throw ruleBroken('sheet_closed', `the sheet is ${state.status}: it accepts no further writes`, { status: state.status });
  }
}

function requireIndicator(state: SheetState, indicatorId: string): IndicatorState {
  const ind = state.indicators.get(indicatorId);
  if (!ind) throw notFound('indicator_not_found', `the sheet has no indicator ${indicatorId}`, { indicatorId });
  return ind;
}

function requireMilestone(state: SheetState, milestoneId: string): MilestoneState {
  const m = state.milestones.get(milestoneId);
  if (!m) throw notFound('milestone_not_found', `the sheet has no milestone ${milestoneId}`, { milestoneId });
  return m;
}

// ---------------------------------------------------------------- decide

export function decideSheet(command: SheetCommand, state: SheetState): SheetEvent[] {
  if (command.type === 'CreateSheet') {
    const d = command.data;
    if (state.status !== 'none') throw conflict('sheet_exists', `sheet ${d.sheetId} already exists`, { sheetId: d.sheetId });
    if (!isSlug(d.sheetId)) throw invalid('invalid_id', 'sheetId must be a kebab-case slug', { field: 'sheetId' });
    requireCreationFields(d);
    checkFields(d, d.historic === true);
    // Normalised before checking, as AddIndicator and CarryOverSheet do: absent targets and due are allowed.
    const indicators = (d.indicators ?? []).map((i, k) => indicatorDefinition(i, `indicators[${k}]`));
    const milestones = (d.milestones ?? []).map((m) => ({ ...m, due: m.due ?? null }));
    milestones.forEach((m, k) => checkMilestone(m, `milestones[${k}]`));
    unique(indicators.map((i) => i.indicatorId), 'indicator');
    unique(milestones.map((m) => m.milestoneId), 'milestone');
    return [{
      type: 'SheetCreated',
      data: {
        sheetId: d.sheetId, roadmapId: d.roadmapId, version: d.version, number: d.number, kind: d.kind, enjeu: d.enjeu, title: d.title,
        objective: d.objective ?? null, theme: d.theme ?? null, context: d.context ?? null, objectives: d.objectives ?? null,
        pilots: d.pilots, partners: d.partners ?? [], indicators, milestones, continues: d.continues ?? [],
        ...(d.historic ? { historic: true } : {}),
      },
    }];
  }

  const sheetId = state.sheetId;
  switch (command.type) {
    case 'CorrectVersionRecord': {
      const d = command.data;
      const recorded = state.versions.find((v) => v.version === d.version);
      if (!recorded) throw notFound('version_not_found', `sheet ${sheetId} did not belong to ${d.version}`, { version: d.version });
      // Only a historic record's number, in the version it was recorded for, is what the sources may leave unknown.
      if (!state.historic || state.versions[0]?.version !== d.version) throw ruleBroken('not_historic_record', `the number of ${sheetId} in ${d.version} is given by the sources`, { version: d.version });
      if (d.number !== null) throw invalid('invalid_number', 'a version record is corrected to an unknown number (null) only', { field: 'number' });
      if (recorded.number === null) throw conflict('record_already_correct', `the number of ${sheetId} in ${d.version} is already unknown`, { version: d.version });
      requireText('reason', d.reason, TEXT_LIMITS.reason);
      return [{ type: 'SheetVersionRecordCorrected', data: { sheetId, version: d.version, number: null, reason: d.reason } }];
    }
    case 'CorrectMilestoneDefinition': {
      const d = command.data;
      if (state.status === 'none') throw notFound('sheet_not_found', 'no such sheet');
      const m = requireMilestone(state, d.milestoneId);
      const corrected = dueOf({ due: d.due ?? null, uncertain: d.uncertain, horizon: d.horizon });
      checkMilestone({ milestoneId: m.milestoneId, title: m.title, ...corrected }, 'milestone');
      requireText('reason', d.reason, TEXT_LIMITS.reason);
      if (m.rescheduled) throw conflict('milestone_rescheduled', `milestone ${m.milestoneId} was rescheduled since its definition: its date is the new plan's`, { milestoneId: m.milestoneId });
      const previous = dueOf(m);
      if (sameMilestoneDue(previous, corrected)) throw conflict('definition_already_correct', `milestone ${m.milestoneId} is already defined so`, { milestoneId: m.milestoneId });
      return [{ type: 'MilestoneDefinitionCorrected', data: { sheetId, milestoneId: m.milestoneId, ...corrected, previous, reason: d.reason } }];
    }
    case 'ReviseSheet': {
      requireOpen(state);
      const changes = effectiveChanges(state, command.data.changes ?? {});
      if (Object.keys(changes).length === 0) throw invalid('no_change', 'a revision needs at least one field that differs from the sheet');
      // A historic sheet may be revised back to what the sources leave unknown (a number written as "0" before).
      checkFields(changes, state.historic && state.version === state.versions[0]?.version);
      optionalText('reason', command.data.reason, TEXT_LIMITS.reason);
      return [{ type: 'SheetRevised', data: { sheetId, changes, reason: command.data.reason ?? null } }];
    }
    case 'AddIndicator': {
      requireOpen(state);
      const def = indicatorDefinition(command.data.indicator, 'indicator');
      if (state.indicators.has(def.indicatorId)) throw conflict('indicator_exists', `indicator ${def.indicatorId} already exists`, { indicatorId: def.indicatorId });
      return [{ type: 'IndicatorAdded', data: { sheetId, indicator: def } }];
    }
    case 'AddMilestone': {
      requireOpen(state);
      const def = { ...command.data.milestone, due: command.data.milestone.due ?? null };
      checkMilestone(def, 'milestone');
      if (state.milestones.has(def.milestoneId)) throw conflict('milestone_exists', `milestone ${def.milestoneId} already exists`, { milestoneId: def.milestoneId });
      return [{ type: 'MilestoneAdded', data: { sheetId, milestone: def } }];
    }
    case 'SetIndicatorTarget': {
      requireOpen(state);
      const ind = requireIndicator(state, command.data.indicatorId);
      const target = targetOf(ind.unit, command.data.target, 'target');
      // Setting a target again revises its value; the same target with the same value is already there.
      const same = ind.targets.find((t) => targetKey(t) === targetKey(target));
      if (same && same.value === target.value && same.qualifier === target.qualifier && same.horizon === target.horizon) {
        throw conflict('target_exists', 'the indicator already has this target (same scope, due date, label and value)', { indicatorId: ind.indicatorId });
      }
      return [{ type: 'IndicatorTargetSet', data: { sheetId, indicatorId: ind.indicatorId, target } }];
    }
    case 'SetIndicatorFrequency': {
      requireOpen(state);
      const ind = requireIndicator(state, command.data.indicatorId);
      const frequency = assertReportingFrequency('frequency', command.data.frequency);
      const previous = ind.frequency ?? null;
      if (frequency === previous) throw ruleBroken('same_frequency', `indicator ${ind.indicatorId} is already reported ${frequency ?? 'without a frequency'}`, { indicatorId: ind.indicatorId });
      return [{ type: 'IndicatorFrequencySet', data: { sheetId, indicatorId: ind.indicatorId, frequency, previous } }];
    }
    case 'ReportIndicator': {
      requireOpen(state);
      const d = command.data;
      const ind = requireIndicator(state, d.indicatorId);
      assertFitsUnit(ind.unit, d.value);
      const { value, qualifier } = quantity(d.value, d.qualifier ?? 'exact');
      const { observed, observedOn } = observedOf(d, todayOf(command));
      if (d.territory != null && !isTerritory(d.territory)) {
        throw invalid('invalid_territory', 'territory must be the region (24) or one of its departments (18, 28, 36, 37, 41, 45)', { field: 'territory' });
      }
      const where = scope(d.territory ?? null, d.zone ? { zone: d.zone } : {});
      optionalText('source', d.source, TEXT_LIMITS.reportSource);
      optionalText('comment', d.comment, TEXT_LIMITS.reportComment);
      if (ind.reports.has(d.reportId)) throw conflict('report_exists', `report ${d.reportId} already exists`, { reportId: d.reportId });
      return [{
        type: 'IndicatorReported',
        data: {
          sheetId, indicatorId: ind.indicatorId, reportId: d.reportId, value, qualifier, observed, observedOn,
          territory: where.territory, zone: where.breakdown.zone ?? null, source: d.source ?? null, comment: d.comment ?? null,
        },
      }];
    }
    case 'CorrectIndicatorReport': {
      // A correction fixes what was recorded; it is allowed on a closed sheet, since the record must stay true.
      if (state.status === 'none') throw notFound('sheet_not_found', 'no such sheet');
      const d = command.data;
      const ind = requireIndicator(state, d.indicatorId);
      const report = ind.reports.get(d.reportId);
      if (!report) throw notFound('report_not_found', `indicator ${d.indicatorId} has no report ${d.reportId}`, { reportId: d.reportId });
      assertFitsUnit(ind.unit, d.value);
      const { qualifier } = quantity(d.value, d.qualifier ?? report.qualifier);
      const { observed, observedOn } = d.observed === undefined && d.observedOn === undefined
        ? observedOf({ observed: report.observed }, todayOf(command))
        : observedOf(d, todayOf(command));
      requireText('reason', d.reason, TEXT_LIMITS.reason);
      if (report.value === d.value && report.observed === observed && report.qualifier === qualifier) throw ruleBroken('correction_changes_nothing', 'the correction gives the same value and date as the report');
      return [{
        type: 'IndicatorReportCorrected',
        data: { sheetId, indicatorId: d.indicatorId, reportId: d.reportId, value: d.value, observed, observedOn, ...(qualifier !== report.qualifier ? { qualifier } : {}), reason: d.reason },
      }];
    }
    case 'ReachMilestone': {
      requireOpen(state);
      const m = requireMilestone(state, command.data.milestoneId);
      const { reached, statedOn: stated, reachedOn } = reachedOf(command.data, todayOf(command));
      optionalText('evidence', command.data.evidence, TEXT_LIMITS.evidence);
      if (m.reachedOn) throw conflict('milestone_already_reached', `milestone ${m.milestoneId} was already reached on ${m.reachedOn}`, { milestoneId: m.milestoneId, reachedOn: m.reachedOn });
      return [{ type: 'MilestoneReached', data: { sheetId, milestoneId: m.milestoneId, reached, statedOn: stated, reachedOn, evidence: command.data.evidence ?? null } }];
    }
    case 'RescheduleMilestone': {
      requireOpen(state);
      const m = requireMilestone(state, command.data.milestoneId);
      if (m.reachedOn) throw conflict('milestone_already_reached', `milestone ${m.milestoneId} was reached on ${m.reachedOn}: it cannot be rescheduled`, { milestoneId: m.milestoneId });
      checkDue(command.data.due, 'due');
      if (command.data.uncertain !== undefined && typeof command.data.uncertain !== 'boolean') throw invalid('invalid_flag', 'uncertain must be true or false', { field: 'uncertain' });
      optionalText('reason', command.data.reason, TEXT_LIMITS.reason);
      if (m.due === command.data.due) throw ruleBroken('same_due', `milestone ${m.milestoneId} is already due ${m.due}`);
      return [{
        type: 'MilestoneRescheduled',
        data: { sheetId, milestoneId: m.milestoneId, due: command.data.due, previousDue: m.due, reason: command.data.reason ?? null, ...(command.data.uncertain ? { uncertain: true } : {}) },
      }];
    }
    case 'CompleteProject': {
      requireOpen(state);
      notInFuture('completedOn', command.data.completedOn, todayOf(command));
      optionalText('summary', command.data.summary, TEXT_LIMITS.summary);
      return [{ type: 'ProjectCompleted', data: { sheetId, completedOn: command.data.completedOn, summary: command.data.summary ?? null } }];
    }
    case 'AbandonProject': {
      requireOpen(state);
      const d = command.data;
      if (!ABANDON_REASONS.includes(d.reason)) throw invalid('invalid_reason', `reason must be one of ${ABANDON_REASONS.join(', ')}`, { field: 'reason' });
      requireText('explanation', d.explanation, TEXT_LIMITS.explanation);
      assertCalendarDate('effectiveOn', d.effectiveOn);
      return [{ type: 'ProjectAbandoned', data: { sheetId, reason: d.reason, explanation: d.explanation, effectiveOn: d.effectiveOn } }];
    }
    case 'RetireSheet': {
      if (state.status === 'none') throw notFound('sheet_not_found', 'no such sheet');
      if (state.retired) throw ruleBroken('sheet_closed', `the sheet was already retired from ${state.retired.version}`);
      const d = command.data;
      if (!RETIRE_REASONS.includes(d.reason)) throw invalid('invalid_reason', `reason must be one of ${RETIRE_REASONS.join(', ')}`, { field: 'reason' });
      requireText('explanation', d.explanation, TEXT_LIMITS.explanation);
      if (d.effectiveOn != null) assertCalendarDate('effectiveOn', d.effectiveOn);
      if (d.reason === 'merged' && !d.mergedInto) throw ruleBroken('merged_into_required', 'a sheet retired as merged names the sheet it was merged into', { field: 'mergedInto' });
      if (d.mergedInto != null) {
        if (!isSlug(d.mergedInto)) throw invalid('invalid_id', 'mergedInto must be a sheet id (kebab-case)', { field: 'mergedInto' });
        if (d.mergedInto === sheetId) throw ruleBroken('merged_into_self', 'a sheet cannot be merged into itself', { field: 'mergedInto' });
      }
      return [{ type: 'SheetRetired', data: { sheetId, version: state.version, reason: d.reason, explanation: d.explanation, effectiveOn: d.effectiveOn ?? null, mergedInto: d.mergedInto ?? null } }];
    }
    case 'CarryOverSheet': {
      requireOpen(state);
      const d = command.data;
      parseVersionLabel(d.toVersion, 'toVersion', 'V5');
      if (d.toVersion === state.version || state.versions.some((v) => v.version === d.toVersion)) {
        throw conflict('already_in_version', `the sheet already belongs to ${d.toVersion}`, { version: d.toVersion });
      }
      if (!isLaterVersion(d.toVersion, state.version)) {
        throw ruleBroken('version_order', `a sheet is carried over from ${state.version} to a later version, not ${d.toVersion}`, { version: d.toVersion });
      }
      const changes = effectiveChanges(state, d.changes ?? {});
      checkFields(changes);
      // What the sheet becomes in the new version is given in full: an unknown of the historic version does not carry into it.
      for (const field of ['number', 'kind', 'enjeu'] as const) {
        if (changes[field] === undefined && state.fields[field] === null) throw invalid(`invalid_${field}`, `the sheet has no ${field} yet: the carry-over gives its ${field} in ${d.toVersion}`, { field });
      }
      optionalText('reason', d.reason, TEXT_LIMITS.reason);
      const addedIndicators = (d.addedIndicators ?? []).map((i, k) => indicatorDefinition(i, `addedIndicators[${k}]`));
      const addedMilestones = (d.addedMilestones ?? []).map((m) => ({ ...m, due: m.due ?? null }));
      addedMilestones.forEach((m, k) => checkMilestone(m, `addedMilestones[${k}]`));
      unique([...state.indicators.keys(), ...addedIndicators.map((i) => i.indicatorId)], 'indicator');
      unique([...state.milestones.keys(), ...addedMilestones.map((m) => m.milestoneId)], 'milestone');
      return [{
        type: 'SheetCarriedOver',
        data: { sheetId, fromVersion: state.version, toVersion: d.toVersion, changes, addedIndicators, addedMilestones, ...(d.reason != null ? { reason: d.reason } : {}) },
      }];
    }
  }
}

export const sheetDecider: Decider<SheetCommand, SheetEvent, SheetState> = {
  name: 'sheet',
  // Bump when SheetState's shape or evolveSheet changes: snapshots of another version are folded afresh.
  snapshotSchemaVersion: 5,
  initialState: initialSheetState,
  evolve: evolveSheet,
  restore: restoreSheet,
  revert: revertSheet,
  decide: decideSheet,
  eventSchemaVersion: (type) => (SHEET_EVENT_SCHEMA_VERSIONS as Record<string, number>)[type] ?? 1,
};

/**
 * When a milestone was reached: `reached` as printed, or `reachedOn`, a day. Its derived day is the
 * last one the words can mean, cut back to the statement (the document's day, else the day it is
 * recorded): a milestone said reached "en 2023" on 26 June 2023 was reached by then.
 */
function reachedOf(d: { reached?: string; reachedOn?: string; statedOn?: string | null }, today: string): { reached: string; statedOn: string | null; reachedOn: string } {
  if (d.statedOn != null) notInFuture('statedOn', d.statedOn, today);
  if (d.reached === undefined) {
    notInFuture('reachedOn', d.reachedOn as string, today);
    if (d.statedOn != null && d.reachedOn! > d.statedOn) throw ruleBroken('dated_after_statement', `reachedOn ${d.reachedOn} is after statedOn ${d.statedOn}`, { field: 'reachedOn' });
    return { reached: d.reachedOn!, statedOn: d.statedOn ?? null, reachedOn: d.reachedOn! };
  }
  const dated = parseDated(d.reached, 'reached');
  if (dated.start === null) throw invalid('open_date', 'reached must have a start', { field: 'reached' });
  if (dated.start > today) throw ruleBroken('date_in_future', `reached ${d.reached} starts after today (${today})`, { field: 'reached' });
  const cut = statedOn(dated, d.statedOn ?? today);
  if (d.reachedOn !== undefined && d.reachedOn !== cut.end) throw invalid('invalid_date', `reachedOn, when given with reached, must be its last day (${cut.end})`, { field: 'reachedOn' });
  return { reached: d.reached, statedOn: d.statedOn ?? null, reachedOn: cut.end! };
}
