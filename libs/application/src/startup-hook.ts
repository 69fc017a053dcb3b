import type { AppConfig } from '#config';
import type { EventStore } from '#event-store';
import type { ProjectionHost } from '#projections';
import type { RoadmapCommands } from './roadmap-commands.js';

/**
 * Work a process does once its store and read models are open (seeding, relaying). It may return a
 * function that undoes what it started, called on shutdown in reverse order.
 */
export type StartupHook = (deps: { store: EventStore; commands: RoadmapCommands; runner: ProjectionHost; config: AppConfig }) => Promise<void | (() => Promise<void>)>;
