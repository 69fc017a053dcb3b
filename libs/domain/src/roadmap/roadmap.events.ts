import type { EnjeuId } from '../sheet/sheet.events.js';
import { DATA_QUALITY_EVENT_TYPES, type DataQualityEvent, type GovernanceRecorded } from './data-quality.events.js';

export interface Enjeu {
  enjeuId: EnjeuId;
  /** Prefix of the sheet numbers under this enjeu (1 for 1.x). */
  number: number;
  title: string;
}

export type RoadmapCreated = {
  type: 'RoadmapCreated';
  data: { roadmapId: string; title: string; region: { code: string; name: string }; enjeux: Enjeu[]; organisations?: Organisation[] };
};

export interface Organisation {
  organisationId: string;
  name: string;
}
export type RoadmapVersionDrafted = { type: 'RoadmapVersionDrafted'; data: { roadmapId: string; version: string; basedOn: string | null; draftedOn: string } };
export type RoadmapVersionAdopted = {
  type: 'RoadmapVersionAdopted';
  data: {
    roadmapId: string;
    version: string;
    /** A period label as precise as known: `2010`, `2019-03`, `2023-06-26`. */
    adoptedOn: string;
    adoptedBy: string | null;
    facts: string | null;
  };
};

export type RoadmapEvent = RoadmapCreated | RoadmapVersionDrafted | RoadmapVersionAdopted | DataQualityEvent | GovernanceRecorded;
export const ROADMAP_EVENT_TYPES: readonly RoadmapEvent['type'][] = ['RoadmapCreated', 'RoadmapVersionDrafted', 'RoadmapVersionAdopted', ...DATA_QUALITY_EVENT_TYPES, 'GovernanceRecorded'];

export const roadmapStream = (roadmapId: string) => `roadmap-${roadmapId}`;
