import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RoadmapCommands, SqliteSnapshotStore } from '#application';
import type { AppConfig } from '#config';
import type { EventStore } from '#event-store';
import { allProjections, openReadModelDb, ProjectionRunner, type ReadModelDb } from '#projections';
import { openEventStore } from '../../api/src/infrastructure/tracker.module.js';

/** The tracker without HTTP: what CLI commands (seed, rebuild, export, assessment, verify) work on. */
export interface TrackerContext {
  config: AppConfig;
  store: EventStore;
  readDb: ReadModelDb;
  runner: ProjectionRunner;
  commands: RoadmapCommands;
  /** Brings the read models up to the store's head. */
  catchUp(): Promise<void>;
  close(): Promise<void>;
}

export async function openTracker(config: AppConfig): Promise<TrackerContext> {
  mkdirSync(config.dataDir, { recursive: true });
  const store = await openEventStore(config);
  const readDb = openReadModelDb(join(config.dataDir, 'read-models.sqlite'));
  const runner = new ProjectionRunner(readDb, allProjections());
  const commands = new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(join(config.dataDir, 'snapshots.sqlite')) });
  let started = false;
  return {
    config, store, readDb, runner, commands,
    async catchUp() {
      if (!started) { runner.start(store); started = true; }
      await runner.waitFor(await store.headPosition(), 600_000);
    },
    async close() {
      await runner.stop();
      await store.close();
      commands.close();
      readDb.close();
    },
  };
}
