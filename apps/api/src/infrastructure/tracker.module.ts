import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { RoadmapCommands, SqliteSnapshotStore, type StartupHook } from '#application';
import { TokenStore } from '#auth';
import type { AppConfig } from '#config';
import { createEventStore, InstrumentedEventStore, type EventStore } from '#event-store';
import {
  allProjections, EnjeuRollupReadModel, EventFeedReadModel, IndicatorSeriesReadModel, openReadModelDb, ProjectionHost, ProjectionRunner,
  RoadmapsReadModel, SheetsReadModel, WorkerProjectionHost,
} from '#projections';
import { AppendMetrics } from '../metrics/append-metrics.js';
import { ReadModels } from './read-models.service.js';
import { APP_CONFIG, EVENT_STORE } from './tokens.js';

/** Builds the event store the configuration asks for. */
export async function openEventStore(config: AppConfig): Promise<EventStore> {
  return createEventStore({ eventStore: config.eventStore, dataDir: config.dataDir, eventStoreConnectionString: config.eventStoreConnectionString });
}

/**
 * The projections of this process: on a worker thread for the embedded store (unless configured
 * otherwise), on this thread for EventStoreDB, whose subscription pushes events to this process.
 */
export async function openProjections(config: AppConfig): Promise<ProjectionHost> {
  const readModelsPath = join(config.dataDir, 'read-models.sqlite');
  if (config.eventStore === 'sqlite' && config.projectionThread === 'worker') {
    const logger = new Logger('ProjectionWorker');
    return WorkerProjectionHost.open({
      eventsPath: join(config.dataDir, 'events.sqlite'),
      readModelsPath,
      // The audit chain follows the log on the same thread (HashChainLifecycle then leaves it alone).
      hashChainPath: join(config.dataDir, 'event-hashes.sqlite'),
      log: (level, message) => (level === 'error' ? logger.error(message) : logger.log(message)),
    });
  }
  return new ProjectionRunner(openReadModelDb(readModelsPath), allProjections());
}

/** Hooks run once the store and read models are up (seeding the real roadmap on first start). */
export const STARTUP_HOOKS = Symbol('STARTUP_HOOKS');
export type { StartupHook };

class TrackerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Tracker');
  private readonly disposers: Array<() => Promise<void>> = [];
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionHost,
    private readonly commands: RoadmapCommands,
    private readonly tokens: TokenStore,
    @Inject(STARTUP_HOOKS) private readonly hooks: StartupHook[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.runner.start(this.store);
    for (const hook of this.hooks) {
      const dispose = await hook({ store: this.store, commands: this.commands, runner: this.runner, config: this.config });
      if (dispose) this.disposers.unshift(dispose);
    }
    this.logger.log(`event store: ${this.store.name}; read models at position ${this.runner.checkpoint}`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const dispose of this.disposers) await dispose();
    await this.runner.stop();
    await this.store.close();
    this.commands.close();
    this.runner.db.close();
    this.tokens.close();
  }
}

@Global()
@Module({})
export class TrackerModule {
  static forRoot(config: AppConfig, hooks: StartupHook[] = []): DynamicModule {
    mkdirSync(config.dataDir, { recursive: true });
    return {
      module: TrackerModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: STARTUP_HOOKS, useValue: hooks },
        AppendMetrics,
        {
          provide: EVENT_STORE,
          useFactory: async (appends: AppendMetrics) => new InstrumentedEventStore(await openEventStore(config), appends),
          inject: [AppendMetrics],
        },
        { provide: ProjectionHost, useFactory: () => openProjections(config) },
        // Queries read the read models through the host's connection of this thread; time travel reads the log too.
        { provide: SheetsReadModel, useFactory: (host: ProjectionHost, store: EventStore) => new SheetsReadModel(host.db, store), inject: [ProjectionHost, EVENT_STORE] },
        { provide: IndicatorSeriesReadModel, useFactory: (host: ProjectionHost) => new IndicatorSeriesReadModel(host.db), inject: [ProjectionHost] },
        { provide: EnjeuRollupReadModel, useFactory: (host: ProjectionHost, store: EventStore) => new EnjeuRollupReadModel(host.db, store), inject: [ProjectionHost, EVENT_STORE] },
        { provide: EventFeedReadModel, useFactory: (host: ProjectionHost) => new EventFeedReadModel(host.db), inject: [ProjectionHost] },
        { provide: RoadmapsReadModel, useFactory: (host: ProjectionHost) => new RoadmapsReadModel(host.db), inject: [ProjectionHost] },
        {
          provide: RoadmapCommands,
          useFactory: (store: EventStore) => new RoadmapCommands(store, { snapshots: new SqliteSnapshotStore(join(config.dataDir, 'snapshots.sqlite')) }),
          inject: [EVENT_STORE],
        },
        { provide: TokenStore, useFactory: () => new TokenStore(join(config.dataDir, 'auth.sqlite'), config.adminToken) },
        ReadModels,
        TrackerLifecycle,
      ],
      exports: [
        APP_CONFIG, EVENT_STORE, ProjectionHost, RoadmapCommands, TokenStore, ReadModels, AppendMetrics,
        SheetsReadModel, IndicatorSeriesReadModel, EnjeuRollupReadModel, EventFeedReadModel, RoadmapsReadModel,
      ],
    };
  }
}
