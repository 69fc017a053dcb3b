import {
  roadmapDecider,
  roadmapStream,
  sheetDecider,
  sheetStream,
  notFound,
  ruleBroken,
  type RoadmapCommand,
  type SheetCommand,
  type SheetState,
} from '#domain';
import type { EventStore } from '#event-store';
import { AggregateRepository, type AggregateRepositoryOptions, type CommandOutcome } from './aggregate-repository.js';
import type { CommandContext } from './command-context.js';

type Without<C> = C extends { today: string } ? Omit<C, 'today'> : never;
export type SheetCommandInput = Without<SheetCommand>;
export type RoadmapCommandInput = Without<RoadmapCommand>;

/**
 * The application's write side: every writer (HTTP, seed import, CLI) goes through here, so that a
 * seeded fact and a pilot's report obey the same rules.
 */
export class RoadmapCommands {
  readonly repository: AggregateRepository;

  constructor(readonly store: EventStore, options: AggregateRepositoryOptions = {}) {
    this.repository = new AggregateRepository(store, options);
  }

  /** `guard` is checked against the very state the command is decided on (see AggregateRepository.handle). */
  async onSheet(sheetId: string, input: SheetCommandInput, ctx: CommandContext, guard?: (state: SheetState) => void): Promise<CommandOutcome> {
    if (input.type === 'CreateSheet') await this.requireVersion(input.data.roadmapId, input.data.version, 'any');
    if (input.type === 'CarryOverSheet') {
      const { state } = await this.repository.load(sheetStream(sheetId), sheetDecider);
      if (state.status !== 'none') await this.requireVersion(state.roadmapId, input.data.toVersion, 'draft');
    }
    return this.repository.handle(sheetStream(sheetId), sheetDecider, (today) => ({ ...input, today }) as SheetCommand, ctx, { guard });
  }

  onRoadmap(roadmapId: string, input: RoadmapCommandInput, ctx: CommandContext): Promise<CommandOutcome> {
    return this.repository.handle(roadmapStream(roadmapId), roadmapDecider, (today) => ({ ...input, today }) as RoadmapCommand, ctx);
  }

  /** Cross-aggregate check: a sheet is created in, or carried into, a version the roadmap has. */
  private async requireVersion(roadmapId: string, version: string, need: 'any' | 'draft'): Promise<void> {
    const { state } = await this.repository.load(roadmapStream(roadmapId), roadmapDecider);
    if (!state.exists) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
    const v = state.versions.get(version);
    if (!v) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${version}`, { version });
    if (need === 'draft' && v.status !== 'draft') {
      throw ruleBroken('version_not_draft', `sheets are carried over into a draft version; ${version} is ${v.status}`, { version });
    }
  }
}
