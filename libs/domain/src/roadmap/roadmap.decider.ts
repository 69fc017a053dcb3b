import type { Decider } from '../shared/decider.js';
import { isSlug, todayOf } from '../shared/decider.js';
import { assertCalendarDate } from '../shared/calendar.js';
import { conflict, invalid, notFound, ruleBroken } from '../shared/domain-error.js';
import { parseDated } from '../shared/dated.js';
import { parsePeriod } from '../shared/period.js';
import { quantity, type Quantity } from '../shared/quantity.js';
import { optionalText, requireText, TEXT_LIMITS } from '../shared/text-limits.js';
import { ENJEUX } from '../sheet/sheet.events.js';
import type { RoadmapCommand } from './roadmap.commands.js';
import type { Enjeu, RoadmapEvent } from './roadmap.events.js';
import { isLaterVersion, parseVersionLabel } from './version-label.js';
import { decideDataQuality, evolveDataQuality, type DataQualityState } from './data-quality.decider.js';

export interface VersionState {
  version: string;
  status: 'draft' | 'adopted' | 'superseded';
  basedOn: string | null;
  /** A dated label; null when the sources do not say. */
  draftedOn: string | null;
  adoptedOn: string | null;
  adoptedBy: string | null;
  facts: string | null;
  /** Only once superseded: the version that replaced it, and when (null: the sources do not say). */
  supersededBy?: string;
  supersededOn?: string | null;
}

export interface RoadmapState {
  exists: boolean;
  roadmapId: string;
  title: string;
  region: { code: string; name: string };
  enjeux: Enjeu[];
  versions: Map<string, VersionState>;
  /** Absent until the roadmap's first finding or governance fact. */
  findings?: DataQualityState['findings'];
  governance?: DataQualityState['governance'];
}

export const initialRoadmapState = (): RoadmapState => ({
  exists: false, roadmapId: '', title: '', region: { code: '', name: '' }, enjeux: [], versions: new Map(),
});

export function evolveRoadmap(state: RoadmapState, event: RoadmapEvent): RoadmapState {
  switch (event.type) {
    case 'RoadmapCreated':
      return { roadmapId: event.data.roadmapId, title: event.data.title, region: event.data.region, enjeux: event.data.enjeux, exists: true, versions: new Map() };
    case 'RoadmapVersionDrafted': {
      const versions = new Map(state.versions);
      const d = event.data;
      versions.set(d.version, { version: d.version, status: 'draft', basedOn: d.basedOn, draftedOn: d.draftedOn, adoptedOn: null, adoptedBy: null, facts: d.facts ?? null });
      return { ...state, versions };
    }
    case 'RoadmapVersionSuperseded': {
      const versions = new Map(state.versions);
      const d = event.data;
      versions.set(d.version, { ...versions.get(d.version)!, status: 'superseded', supersededBy: d.by, supersededOn: d.on });
      return { ...state, versions };
    }
    case 'RoadmapVersionAdoptionWithdrawn': {
      const versions = new Map(state.versions);
      const d = event.data;
      versions.set(d.version, { ...versions.get(d.version)!, status: 'superseded', adoptedOn: null, adoptedBy: null, supersededBy: d.by, supersededOn: null });
      return { ...state, versions };
    }
    case 'RoadmapVersionAdopted': {
      const versions = new Map(state.versions);
      const d = event.data;
      const v = versions.get(d.version)!;
      versions.set(d.version, { ...v, status: 'adopted', adoptedOn: d.adoptedOn, adoptedBy: d.adoptedBy, facts: d.facts });
      return { ...state, versions };
    }
    default:
      return { ...state, ...evolveDataQuality(dataQualityOf(state), event) };
  }
}

const dataQualityOf = (state: RoadmapState): DataQualityState => ({ findings: state.findings ?? new Map(), governance: state.governance ?? new Set() });

export function latestAdopted(state: RoadmapState): VersionState | null {
  let best: VersionState | null = null;
  for (const v of state.versions.values()) if (v.status === 'adopted' && (!best || isLaterVersion(v.version, best.version))) best = v;
  return best;
}

export function decideRoadmap(command: RoadmapCommand, state: RoadmapState): RoadmapEvent[] {
  if (command.type === 'CreateRoadmap') {
    const d = command.data;
    if (state.exists) throw conflict('roadmap_exists', `roadmap ${d.roadmapId} already exists`);
    if (!isSlug(d.roadmapId)) throw invalid('invalid_id', 'roadmapId must be a kebab-case slug', { field: 'roadmapId' });
    if (d.enjeux.some((e) => !ENJEUX.includes(e.enjeuId))) throw invalid('invalid_enjeu', `enjeux must be among ${ENJEUX.join(', ')}`, { field: 'enjeux' });
    requireText('title', d.title, TEXT_LIMITS.roadmapTitle);
    requireText('region.name', d.region?.name, TEXT_LIMITS.regionName);
    d.enjeux.forEach((e, k) => requireText(`enjeux[${k}].title`, e.title, TEXT_LIMITS.enjeuTitle));
    return [{ type: 'RoadmapCreated', data: d }];
  }
  if (!state.exists) throw notFound('roadmap_not_found', 'no such roadmap');
  switch (command.type) {
    case 'DraftVersion': {
      const d = command.data;
      parseVersionLabel(d.version, 'version', 'V5');
      if (state.versions.has(d.version)) throw conflict('version_exists', `version ${d.version} already exists`, { version: d.version });
      const draft = [...state.versions.values()].find((v) => v.status === 'draft');
      if (draft) throw ruleBroken('draft_in_progress', `version ${draft.version} is still a draft: adopt it before drafting another`, { version: draft.version });
      if (d.basedOn !== null) {
        const base = state.versions.get(d.basedOn);
        if (!base) throw notFound('version_not_found', `no version ${d.basedOn}`, { version: d.basedOn });
        const latest = latestAdopted(state);
        if (latest && latest.version !== d.basedOn) throw ruleBroken('not_latest_version', `a new version is drafted from the latest adopted one (${latest.version})`, { version: d.basedOn });
      } else if (state.versions.size > 0) {
        throw ruleBroken('base_version_required', 'a new version is drafted from the latest adopted one', { field: 'basedOn' });
      }
      const latest = latestAdopted(state);
      if (latest && !isLaterVersion(d.version, latest.version)) {
        throw ruleBroken('version_order', `version ${d.version} must come after ${latest.version}`, { version: d.version });
      }
      const draftedOn = d.draftedOn === undefined ? todayOf(command) : d.draftedOn;
      if (draftedOn !== null) checkDated('draftedOn', draftedOn);
      optionalText('facts', d.facts, TEXT_LIMITS.facts);
      return [{ type: 'RoadmapVersionDrafted', data: { roadmapId: state.roadmapId, version: d.version, basedOn: d.basedOn, draftedOn, ...(d.facts != null ? { facts: d.facts } : {}) } }];
    }
    case 'AdoptVersion': {
      const d = command.data;
      const v = state.versions.get(d.version);
      if (!v) throw notFound('version_not_found', `no version ${d.version}`, { version: d.version });
      if (v.status === 'adopted') throw conflict('version_already_adopted', `version ${d.version} was adopted on ${v.adoptedOn}`, { version: d.version });
      if (v.status === 'superseded') throw ruleBroken('version_superseded', `version ${d.version} was superseded by ${v.supersededBy}`, { version: d.version });
      const period = parsePeriod(d.adoptedOn, 'adoptedOn');
      optionalText('adoptedBy', d.adoptedBy, TEXT_LIMITS.adoptedBy);
      optionalText('facts', d.facts, TEXT_LIMITS.facts);
      if (period.start > todayOf(command)) throw ruleBroken('date_in_future', `adoptedOn ${d.adoptedOn} is after today`, { field: 'adoptedOn' });
      const base = v.basedOn ? state.versions.get(v.basedOn) : null;
      if (base?.adoptedOn && parsePeriod(base.adoptedOn).start > period.end) {
        throw ruleBroken('version_order', `${d.version} cannot be adopted before ${base.version} (${base.adoptedOn})`, { field: 'adoptedOn' });
      }
      let sheetCount: Quantity | null = null;
      if (d.sheetCount !== undefined && d.sheetCount !== null) {
        sheetCount = quantity(d.sheetCount.value, d.sheetCount.qualifier);
        if (!Number.isInteger(sheetCount.value) || sheetCount.value < 0) throw invalid('invalid_sheet_count', 'sheetCount.value must be a whole number of sheets', { field: 'sheetCount.value' });
      }
      return [{ type: 'RoadmapVersionAdopted', data: { roadmapId: state.roadmapId, version: d.version, adoptedOn: d.adoptedOn, adoptedBy: d.adoptedBy ?? null, facts: d.facts ?? v.facts ?? null, ...(sheetCount ? { sheetCount } : {}) } }];
    }
    case 'SupersedeVersion': {
      const d = command.data;
      const v = state.versions.get(d.version);
      if (!v) throw notFound('version_not_found', `no version ${d.version}`, { version: d.version });
      if (v.status === 'superseded') throw conflict('version_already_superseded', `version ${d.version} was already superseded by ${v.supersededBy}`, { version: d.version });
      // An adopted version ends when the next one is adopted; only a draft is superseded without an adoption.
      if (v.status !== 'draft') throw ruleBroken('version_not_draft', `version ${d.version} was adopted: the next adoption replaces it`, { version: d.version });
      parseVersionLabel(d.by, 'by', 'V5');
      if (!isLaterVersion(d.by, d.version)) throw ruleBroken('version_order', `${d.version} is superseded by a later version, not ${d.by}`, { field: 'by' });
      const on = d.on ?? null;
      if (on !== null) checkDated('on', on);
      return [{ type: 'RoadmapVersionSuperseded', data: { roadmapId: state.roadmapId, version: d.version, by: d.by, on } }];
    }
    case 'WithdrawAdoption': {
      const d = command.data;
      const v = state.versions.get(d.version);
      if (!v) throw notFound('version_not_found', `no version ${d.version}`, { version: d.version });
      if (v.status === 'superseded') throw conflict('version_already_superseded', `version ${d.version} was already superseded by ${v.supersededBy}`, { version: d.version });
      if (v.status !== 'adopted') throw ruleBroken('version_not_adopted', `version ${d.version} was not adopted: a draft is superseded (SupersedeVersion)`, { version: d.version });
      parseVersionLabel(d.by, 'by', 'V5');
      if (!isLaterVersion(d.by, d.version)) throw ruleBroken('version_order', `${d.version} is replaced by a later version, not ${d.by}`, { field: 'by' });
      requireText('reason', d.reason, TEXT_LIMITS.reason);
      return [{ type: 'RoadmapVersionAdoptionWithdrawn', data: { roadmapId: state.roadmapId, version: d.version, by: d.by, reason: d.reason } }];
    }
    default:
      return decideDataQuality(command, { ...dataQualityOf(state), roadmapId: state.roadmapId, versions: state.versions });
  }
}

/** A dated label as precise as the sources (`2010`, `2019-03`, `2023-06-26`); a day must be a real calendar day. */
function checkDated(field: string, label: string): void {
  if (/^\d{4}-\d{2}-\d{2}$/.test(label)) assertCalendarDate(field, label);
  parseDated(label, field);
}

export const roadmapDecider: Decider<RoadmapCommand, RoadmapEvent, RoadmapState> = {
  name: 'roadmap',
  // Bump when RoadmapState's shape or evolveRoadmap changes: snapshots of another version are folded afresh.
  snapshotSchemaVersion: 3,
  initialState: initialRoadmapState,
  evolve: evolveRoadmap,
  decide: decideRoadmap,
};
