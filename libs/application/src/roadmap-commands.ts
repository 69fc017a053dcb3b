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
import type { CommandOutcome, WithMetadata, WithoutMetadata } from './command.js';
import type { HandleCommandOptions } from './handle-command.js';
import type { SnapshotStore } from './snapshot-store.js';
import { Snapshotting } from './snapshotting.js';
import { StateCache } from './state-cache.js';
import { foldFromStart, type Fold, type StateSource } from './stream-state.js';
import { StreamBatcher } from './stream-batcher.js';

/** A sheet or roadmap command as the edge builds it, before its metadata. */
export type SheetCommandInput = WithoutMetadata<SheetCommand>;
export type RoadmapCommandInput = WithoutMetadata<RoadmapCommand>;

export interface RoadmapCommandsOptions {
  maxAttempts?: number;
  /** Where folded states are saved every `snapshotEvery` events; none: every cold load folds the whole stream. */
  snapshots?: SnapshotStore;
  snapshotEvery?: number;
  /** Committed states kept in memory (the most recently used streams). */
  cachedStreams?: number;
  /** The events folded into the states kept in memory, all streams together (see StateCache). */
  cachedEvents?: number;
}

/**
 * The application's write side: every writer (HTTP, seed import, CLI) goes through here, so that a
 * seeded fact and a pilot's report obey the same rules. Both aggregates are written the same way:
 * `handleCommand`, batched per stream, on states kept in memory in front of the snapshots.
 */
export class RoadmapCommands {
  /** States as stored, without the in-memory cache: what `load` reads. */
  private readonly stored: StateSource;
  private readonly snapshotting: Snapshotting | undefined;
  private readonly batcher = new StreamBatcher();
  private readonly cache: StateCache;
  private readonly options: Pick<HandleCommandOptions<unknown>, 'states' | 'maxAttempts'>;

  constructor(readonly store: EventStore, options: RoadmapCommandsOptions = {}) {
    this.snapshotting = options.snapshots ? new Snapshotting(options.snapshots, options.snapshotEvery) : undefined;
    this.stored = this.snapshotting ?? foldFromStart;
    this.cache = new StateCache(this.stored, options.cachedStreams, options.cachedEvents);
    this.options = { states: this.cache, maxAttempts: options.maxAttempts };
  }

  /** `authorise` is checked against the very state the command is decided on. */
  async onSheet(sheetId: string, command: WithMetadata<SheetCommand>, authorise?: (state: SheetState) => void): Promise<CommandOutcome> {
    if (command.type === 'CreateSheet') await this.requireVersion(command.data.roadmapId, command.data.version, 'any');
    if (command.type === 'CarryOverSheet') {
      const { state } = await this.load(sheetStream(sheetId), sheetDecider);
      if (state.status !== 'none') await this.requireVersion(state.roadmapId, command.data.toVersion, 'draft');
    }
    return this.batcher.handleCommand(this.store, sheetStream(sheetId), sheetDecider, command, authorise ? { ...this.options, authorise } : this.options);
  }

  onRoadmap(roadmapId: string, command: WithMetadata<RoadmapCommand>): Promise<CommandOutcome> {
    return this.batcher.handleCommand(this.store, roadmapStream(roadmapId), roadmapDecider, command, this.options);
  }

  /**
   * The state of a stream as stored now, folded afresh (from the latest snapshot when there is one):
   * the caller may keep or change it without touching what commands are decided on.
   */
  async load<S, E>(stream: string, fold: Fold<S, E>): Promise<{ state: S; revision: number }> {
    const { state, revision } = await this.stored.read(this.store, stream, fold);
    return { state, revision };
  }

  /** Saves the states held in memory that their snapshots lag (the process stops); the snapshot store stays open. */
  flushStates(): void {
    this.cache.flush();
  }

  /** Saves the states held in memory, then closes the snapshot store. */
  close(): void {
    this.flushStates();
    this.snapshotting?.close();
  }

  /** Cross-aggregate check: a sheet is created in, or carried into, a version the roadmap has. */
  private async requireVersion(roadmapId: string, version: string, need: 'any' | 'draft'): Promise<void> {
    const { state } = await this.load(roadmapStream(roadmapId), roadmapDecider);
    if (!state.exists) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
    const v = state.versions.get(version);
    if (!v) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${version}`, { version });
    if (need === 'draft' && v.status !== 'draft') {
      throw ruleBroken('version_not_draft', `sheets are carried over into a draft version; ${version} is ${v.status}`, { version });
    }
  }
}
