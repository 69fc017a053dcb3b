import type { Quantity } from '../shared/quantity.js';
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
export type RoadmapVersionDrafted = {
  type: 'RoadmapVersionDrafted';
  data: {
    roadmapId: string;
    version: string;
    basedOn: string | null;
    /** A dated label as precise as the sources (`2010`, `2023-06-26`); null when they do not say. */
    draftedOn: string | null;
    /** What the sources say of a version that was never adopted; absent in events written before it existed. */
    facts?: string | null;
  };
};
export type RoadmapVersionAdopted = {
  type: 'RoadmapVersionAdopted';
  data: {
    roadmapId: string;
    version: string;
    /** A period label as precise as known: `2010`, `2019-03`, `2023-06-26`. */
    adoptedOn: string;
    adoptedBy: string | null;
    facts: string | null;
    /**
     * How many sheets the sources say the version had, as printed ("une trentaine" is about 30);
     * absent when they do not say, and in events written before it existed.
     */
    sheetCount?: Quantity;
  };
};

/**
 * A later version replaced this one. For a draft (V1 "rédigée en 2010", V2 "conçue en 2014") it ends the
 * version without an adoption the sources never report.
 */
export type RoadmapVersionSuperseded = {
  type: 'RoadmapVersionSuperseded';
  data: { roadmapId: string; version: string; by: string; /** A dated label, null when the sources do not say. */ on: string | null };
};

/**
 * A version recorded as adopted that the sources report only as drafted and replaced (V1 "rédigée en
 * 2010", V2 "conçue en 2014", adopted in logs written before versions could be superseded): from now
 * on it reads as a draft superseded by `by`, with no adoption day or body. The adoption event stays
 * in the log: this one says it was a misreading, and why.
 */
export type RoadmapVersionAdoptionWithdrawn = {
  type: 'RoadmapVersionAdoptionWithdrawn';
  data: { roadmapId: string; version: string; by: string; reason: string };
};

export type RoadmapEvent = RoadmapCreated | RoadmapVersionDrafted | RoadmapVersionAdopted | RoadmapVersionSuperseded | RoadmapVersionAdoptionWithdrawn | DataQualityEvent | GovernanceRecorded;
export const ROADMAP_EVENT_TYPES: readonly RoadmapEvent['type'][] = ['RoadmapCreated', 'RoadmapVersionDrafted', 'RoadmapVersionAdopted', 'RoadmapVersionSuperseded', 'RoadmapVersionAdoptionWithdrawn', ...DATA_QUALITY_EVENT_TYPES, 'GovernanceRecorded'];

export const roadmapStream = (roadmapId: string) => `roadmap-${roadmapId}`;
