import { assertCalendarDate } from '../shared/calendar.js';
import { isSlug, todayOf } from '../shared/decider.js';
import { conflict, invalid, notFound, ruleBroken } from '../shared/domain-error.js';
import { scope } from '../shared/scope.js';
import { requireText, TEXT_LIMITS } from '../shared/text-limits.js';
import type { DataQualityCommand } from './data-quality.commands.js';
import type { DataQualityEvent, FindingTarget, GovernanceRecorded, Provenance } from './data-quality.events.js';

export type FindingStatus = 'open' | 'resolved' | 'withdrawn';

/** What the roadmap decider needs to know of its findings and governance facts. */
export interface DataQualityState {
  findings: ReadonlyMap<string, FindingStatus>;
  /** `version/factId` of every governance fact recorded. */
  governance: ReadonlySet<string>;
}

export const FINDING_LIMITS = { description: 5000, figures: 50, refersTo: 50, provenance: 20, figureLabel: 300, quote: 2000, section: 300 } as const;

export const governanceKey = (version: string, factId: string) => `${version}/${factId}`;

export function evolveDataQuality(state: DataQualityState, event: DataQualityEvent | GovernanceRecorded): DataQualityState {
  switch (event.type) {
    case 'DataQualityFindingRecorded':
      return { ...state, findings: new Map(state.findings).set(event.data.findingId, 'open') };
    case 'DataQualityFindingResolved':
      return { ...state, findings: new Map(state.findings).set(event.data.findingId, 'resolved') };
    case 'DataQualityFindingWithdrawn':
      return { ...state, findings: new Map(state.findings).set(event.data.findingId, 'withdrawn') };
    case 'GovernanceRecorded':
      return { ...state, governance: new Set(state.governance).add(governanceKey(event.data.version, event.data.factId)) };
  }
}

/**
 * Findings and governance facts of a roadmap. A finding is recorded once under its id; it is then
 * resolved (the figure was corrected or explained) or withdrawn (it was a misreading), once, and
 * only while open: its history says which, when and why.
 */
export function decideDataQuality(
  command: DataQualityCommand,
  state: DataQualityState & { roadmapId: string; versions: ReadonlyMap<string, unknown> },
): Array<DataQualityEvent | GovernanceRecorded> {
  const roadmapId = state.roadmapId;
  switch (command.type) {
    case 'RecordFinding': {
      const d = command.data;
      if (!isSlug(d.findingId)) throw invalid('invalid_id', 'findingId must be a kebab-case slug', { field: 'findingId' });
      if (state.findings.has(d.findingId)) throw conflict('finding_exists', `finding ${d.findingId} is already recorded`, { findingId: d.findingId });
      requireText('description', d.description, FINDING_LIMITS.description);
      if (!Array.isArray(d.figures) || d.figures.length > FINDING_LIMITS.figures) throw invalid('invalid_figures', `figures is a list of at most ${FINDING_LIMITS.figures}`, { field: 'figures' });
      d.figures.forEach((f, k) => {
        requireText(`figures[${k}].label`, f.label, FINDING_LIMITS.figureLabel);
        if (f.printed === undefined || f.recomputed === undefined) throw invalid('invalid_figures', `figures[${k}] states what is printed and what is recomputed (null if nothing)`, { field: `figures[${k}]` });
      });
      const worked = d.workedFigures;
      if (worked !== undefined && (worked === null || typeof worked !== 'object' || Array.isArray(worked) || Object.keys(worked).length > FINDING_LIMITS.figures)) {
        throw invalid('invalid_figures', `workedFigures names at most ${FINDING_LIMITS.figures} figures`, { field: 'workedFigures' });
      }
      Object.keys(worked ?? {}).forEach((label) => requireText(`workedFigures.${label}`, label, FINDING_LIMITS.figureLabel));
      if (!Array.isArray(d.refersTo) || d.refersTo.length === 0 || d.refersTo.length > FINDING_LIMITS.refersTo) {
        throw invalid('refers_to_required', 'a finding refers to at least one sheet, indicator, territory or section', { field: 'refersTo' });
      }
      const refersTo = d.refersTo.map((r, k) => checkTarget(r, `refersTo[${k}]`));
      const provenance = checkProvenance(d.provenance ?? []);
      return [{ type: 'DataQualityFindingRecorded', data: { roadmapId, findingId: d.findingId, description: d.description, figures: d.figures.map((f) => ({ label: f.label, printed: f.printed, recomputed: f.recomputed, ...(f.recomputedAs ? { recomputedAs: f.recomputedAs } : {}) })), ...(worked && Object.keys(worked).length ? { workedFigures: worked } : {}), refersTo, provenance } }];
    }
    case 'ResolveFinding': {
      const d = command.data;
      openFinding(state, d.findingId);
      requireText('resolution', d.resolution, TEXT_LIMITS.explanation);
      const on = d.on ?? todayOf(command);
      assertCalendarDate('on', on);
      if (on > todayOf(command)) throw ruleBroken('date_in_future', `on ${on} is after today`, { field: 'on' });
      return [{ type: 'DataQualityFindingResolved', data: { roadmapId, findingId: d.findingId, resolution: d.resolution, on } }];
    }
    case 'WithdrawFinding': {
      const d = command.data;
      openFinding(state, d.findingId);
      requireText('reason', d.reason, TEXT_LIMITS.reason);
      return [{ type: 'DataQualityFindingWithdrawn', data: { roadmapId, findingId: d.findingId, reason: d.reason } }];
    }
    case 'RecordGovernance': {
      const d = command.data;
      if (!state.versions.has(d.version)) throw notFound('version_not_found', `no version ${d.version}`, { version: d.version });
      if (!isSlug(d.factId)) throw invalid('invalid_id', 'factId must be a kebab-case slug', { field: 'factId' });
      if (!isSlug(d.kind)) throw invalid('invalid_kind', 'kind must be a kebab-case slug', { field: 'kind' });
      if (state.governance.has(governanceKey(d.version, d.factId))) throw conflict('governance_fact_exists', `governance fact ${d.factId} of ${d.version} is already recorded`, { factId: d.factId });
      requireText('statement', d.statement, TEXT_LIMITS.summary);
      return [{ type: 'GovernanceRecorded', data: { roadmapId, version: d.version, factId: d.factId, kind: d.kind, statement: d.statement, details: d.details ?? {}, provenance: checkProvenance(d.provenance ?? []) } }];
    }
  }
}

function openFinding(state: DataQualityState, findingId: string): void {
  const status = state.findings.get(findingId);
  if (!status) throw notFound('finding_not_found', `no finding ${findingId}`, { findingId });
  if (status !== 'open') throw ruleBroken('finding_not_open', `finding ${findingId} is ${status}`, { findingId, status });
}

function checkTarget(r: FindingTarget, field: string): FindingTarget {
  const out: FindingTarget = {};
  if (r.sheetId !== undefined) { if (!isSlug(r.sheetId)) throw invalid('invalid_id', `${field}.sheetId must be a kebab-case slug`, { field }); out.sheetId = r.sheetId; }
  if (r.indicatorId !== undefined) {
    if (!isSlug(r.indicatorId)) throw invalid('invalid_id', `${field}.indicatorId must be a kebab-case slug`, { field });
    if (r.sheetId === undefined) throw invalid('sheet_required', `${field}: an indicator is named with its sheet`, { field });
    out.indicatorId = r.indicatorId;
  }
  if (r.territory !== undefined || (r.zone !== undefined && r.zone !== null)) {
    scope(r.territory ?? null, r.zone ? { zone: r.zone as never } : {});
    if (r.territory !== undefined) out.territory = r.territory;
  }
  if (r.zone !== undefined) out.zone = r.zone;
  if (r.section !== undefined) out.section = requireText(`${field}.section`, r.section, FINDING_LIMITS.section);
  if (Object.keys(out).length === 0) throw invalid('refers_to_required', `${field} names a sheet, an indicator, a territory or a section`, { field });
  return out;
}

function checkProvenance(provenance: Provenance[]): Provenance[] {
  if (!Array.isArray(provenance) || provenance.length > FINDING_LIMITS.provenance) throw invalid('invalid_provenance', `provenance is a list of at most ${FINDING_LIMITS.provenance}`, { field: 'provenance' });
  return provenance.map((p, k) => ({ section: requireText(`provenance[${k}].section`, p.section, FINDING_LIMITS.section), quote: requireText(`provenance[${k}].quote`, p.quote, FINDING_LIMITS.quote) }));
}
