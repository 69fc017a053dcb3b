/** Where a fact was printed: the document's section and its words, verbatim. */
export interface Provenance {
  section: string;
  quote: string;
}

/** A figure as JSON: a number, a wording, or a small structure of them. */
export type FigureValue = number | string | boolean | null | FigureValue[] | { [key: string]: FigureValue };

/** A figure a finding is about: what the document prints, and what its own numbers give. */
export interface FindingFigure {
  label: string;
  printed: FigureValue;
  /** null when the document gives nothing to recompute it from. */
  recomputed: FigureValue;
  /** How `recomputed` was obtained ("somme des totaux départementaux"). */
  recomputedAs?: string | null;
}

/** What a finding is about; at least one of the fields. `zone: null` is the all-zones figure, not "any zone". */
export interface FindingTarget {
  sheetId?: string;
  indicatorId?: string;
  territory?: string;
  zone?: string | null;
  section?: string;
}

/** The named figures a comparison is worked out from (a table's AMEL column, the difference), where there are any. */
export type WorkedFigures = Record<string, FigureValue>;

export type DataQualityFindingRecorded = {
  type: 'DataQualityFindingRecorded';
  data: { roadmapId: string; findingId: string; description: string; figures: FindingFigure[]; workedFigures?: WorkedFigures; refersTo: FindingTarget[]; provenance: Provenance[] };
};
export type DataQualityFindingResolved = { type: 'DataQualityFindingResolved'; data: { roadmapId: string; findingId: string; resolution: string; on: string } };
export type DataQualityFindingWithdrawn = { type: 'DataQualityFindingWithdrawn'; data: { roadmapId: string; findingId: string; reason: string } };

export type DataQualityEvent = DataQualityFindingRecorded | DataQualityFindingResolved | DataQualityFindingWithdrawn;
export const DATA_QUALITY_EVENT_TYPES: readonly DataQualityEvent['type'][] = ['DataQualityFindingRecorded', 'DataQualityFindingResolved', 'DataQualityFindingWithdrawn'];

/**
 * A fact of a version's governance (Partie II of the V4, Annexe 3 §1 for the V3): who is responsible,
 * which body steers, who chairs and is invited, how often it meets. `statement` is the tracker's
 * sentence; `details` keeps the structured parts as the seed file gives them.
 */
export type GovernanceRecorded = {
  type: 'GovernanceRecorded';
  data: { roadmapId: string; version: string; factId: string; kind: string; statement: string; details: Record<string, FigureValue>; provenance: Provenance[] };
};
