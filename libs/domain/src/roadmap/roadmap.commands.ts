import type { Quantity } from '../shared/quantity.js';
import type { Enjeu, Organisation } from './roadmap.events.js';
import type { CommandClock } from '../shared/decider.js';
import type { DataQualityCommand } from './data-quality.commands.js';

interface Ctx {
  metadata: CommandClock;
}

export type CreateRoadmap = { type: 'CreateRoadmap'; data: { roadmapId: string; title: string; region: { code: string; name: string }; enjeux: Enjeu[]; organisations?: Organisation[] } } & Ctx;
/** draftedOn: absent = today; null = the sources do not say; else a dated label. */
export type DraftVersion = { type: 'DraftVersion'; data: { version: string; basedOn: string | null; draftedOn?: string | null; facts?: string | null } } & Ctx;
/** `sheetCount`: how many sheets the sources say the version had ("une trentaine de fiches-projets"), as printed. */
export type AdoptVersion = { type: 'AdoptVersion'; data: { version: string; adoptedOn: string; adoptedBy?: string | null; facts?: string | null; sheetCount?: Quantity | null } } & Ctx;

export type SupersedeVersion = { type: 'SupersedeVersion'; data: { version: string; by: string; on?: string | null } } & Ctx;

/** An adoption the sources do not report: the version was a draft, replaced by `by` (see RoadmapVersionAdoptionWithdrawn). */
export type WithdrawAdoption = { type: 'WithdrawAdoption'; data: { version: string; by: string; reason: string } } & Ctx;

export type RoadmapCommand = CreateRoadmap | DraftVersion | AdoptVersion | SupersedeVersion | WithdrawAdoption | DataQualityCommand;
