import type { Enjeu, Organisation } from './roadmap.events.js';
import type { CommandClock } from '../shared/decider.js';
import type { DataQualityCommand } from './data-quality.commands.js';

interface Ctx {
  metadata: CommandClock;
}

export type CreateRoadmap = { type: 'CreateRoadmap'; data: { roadmapId: string; title: string; region: { code: string; name: string }; enjeux: Enjeu[]; organisations?: Organisation[] } } & Ctx;
export type DraftVersion = { type: 'DraftVersion'; data: { version: string; basedOn: string | null; draftedOn?: string } } & Ctx;
export type AdoptVersion = { type: 'AdoptVersion'; data: { version: string; adoptedOn: string; adoptedBy?: string | null; facts?: string | null } } & Ctx;

export type RoadmapCommand = CreateRoadmap | DraftVersion | AdoptVersion | DataQualityCommand;
