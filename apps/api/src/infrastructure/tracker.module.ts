import { Inject, Logger, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { RoadmapCommands, type StartupHook } from '#application';
import { HashChainStore } from '#audit';
import { TokenStore } from '#auth';
import type { AppConfig } from '#config';
import { InstrumentedEventStore, type EventStore } from '#event-store';
import { IdempotencyStore } from '#idempotency';
import { DataQualityReadModel, EnjeuRollupReadModel, EventFeedReadModel, GovernanceReadModel, IndicatorSeriesReadModel, ProjectionHost, RoadmapsReadModel, SheetsReadModel } from '#projections';
import { Tracker, TrackerStart } from '#tracker';
import { AppendMetrics } from '../metrics/append-metrics.js';
import { ReadModels } from './read-models.service.js';
import { APP_CONFIG, EVENT_STORE } from './tokens.js';

/** Hooks run once the store and read models are up (seeding the real roadmap on first start). */
export const STARTUP_HOOKS = Symbol('STARTUP_HOOKS');
export type { StartupHook };

class TrackerLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Tracker');
  private readonly disposers: Array<() => Promise<void>> = [];
  constructor(
    @Inject(Tracker) private readonly tracker: Tracker,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(RoadmapCommands) private readonly commands: RoadmapCommands,
    @Inject(STARTUP_HOOKS) private readonly hooks: StartupHook[],
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const runner = this.tracker.projections;
    runner.start(this.store);
    for (const hook of this.hooks) {
      const dispose = await hook({ store: this.store, commands: this.commands, runner, config: this.tracker.config });
      if (dispose) this.disposers.unshift(dispose);
    }
    this.logger.log(`event store: ${this.store.name}; read models at position ${runner.checkpoint}`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const dispose of this.disposers) await dispose();
    await this.tracker.close();
  }
}

/**
 * The tracker's infrastructure for one application: the stores and read models of one data
 * directory (see `openTracker`). Not global: each feature module imports the instance AppModule made.
 */
@Module({})
export class TrackerModule {
  /** `started`: the tracker of `config` begun ahead (main.ts starts it before importing the application). */
  static forRoot(config: AppConfig, hooks: StartupHook[] = [], started?: TrackerStart): DynamicModule {
    return {
      module: TrackerModule,
      providers: [
        {
          provide: Tracker,
          useFactory: (appends: AppendMetrics) => {
            const logger = new Logger('ProjectionWorker');
            return (started ?? TrackerStart.begin(config, { projections: 'configured' })).finish({
              // Every writer of the process (commands, seeding, startup hooks) goes through the counted store.
              decorateStore: (store) => new InstrumentedEventStore(store, appends),
              log: (level, message) => (level === 'error' ? logger.error(message) : logger.log(message)),
            });
          },
          inject: [AppendMetrics],
        },
        { provide: APP_CONFIG, useValue: config },
        { provide: STARTUP_HOOKS, useValue: hooks },
        AppendMetrics,
        { provide: EVENT_STORE, useFactory: (tracker: Tracker) => tracker.store, inject: [Tracker] },
        { provide: ProjectionHost, useFactory: (tracker: Tracker) => tracker.projections, inject: [Tracker] },
        // Queries read the read models through the host's connection of this thread; time travel reads the log too.
        { provide: SheetsReadModel, useFactory: (tracker: Tracker) => tracker.queries.sheets, inject: [Tracker] },
        { provide: IndicatorSeriesReadModel, useFactory: (tracker: Tracker) => tracker.queries.series, inject: [Tracker] },
        { provide: EnjeuRollupReadModel, useFactory: (tracker: Tracker) => tracker.queries.enjeuRollup, inject: [Tracker] },
        { provide: EventFeedReadModel, useFactory: (tracker: Tracker) => tracker.queries.eventFeed, inject: [Tracker] },
        { provide: RoadmapsReadModel, useFactory: (tracker: Tracker) => tracker.queries.roadmaps, inject: [Tracker] },
        { provide: DataQualityReadModel, useFactory: (tracker: Tracker) => tracker.queries.dataQuality, inject: [Tracker] },
        { provide: GovernanceReadModel, useFactory: (tracker: Tracker) => tracker.queries.governance, inject: [Tracker] },
        { provide: RoadmapCommands, useFactory: (tracker: Tracker) => tracker.commands, inject: [Tracker] },
        {
          provide: TokenStore,
          useFactory: async (tracker: Tracker) => {
            const tokens = tracker.tokens;
            await tokens.start();
            // Tokens of the per-node file of earlier releases join the access log once.
            const imported = await tokens.importLegacy(tracker.files.auth);
            if (imported) new Logger('Access').log(`imported ${imported} tokens of auth.sqlite into the access log`);
            return tokens;
          },
          inject: [Tracker],
        },
        { provide: IdempotencyStore, useFactory: (tracker: Tracker) => tracker.idempotency, inject: [Tracker] },
        { provide: HashChainStore, useFactory: (tracker: Tracker) => tracker.hashChain, inject: [Tracker] },
        ReadModels,
        TrackerLifecycle,
      ],
      exports: [
        Tracker, APP_CONFIG, EVENT_STORE, ProjectionHost, RoadmapCommands, TokenStore, IdempotencyStore, HashChainStore, ReadModels, AppendMetrics,
        SheetsReadModel, IndicatorSeriesReadModel, EnjeuRollupReadModel, EventFeedReadModel, RoadmapsReadModel, DataQualityReadModel, GovernanceReadModel,
      ],
    };
  }
}

const features = new WeakMap<DynamicModule, Map<Type, DynamicModule>>();

/**
 * A feature module over the tracker `core`. Nest tells dynamic modules apart by reference: the same
 * object for the same feature and core, so that a feature imported by two modules is one instance.
 */
export function overTracker(feature: Type, core: DynamicModule, imports: DynamicModule[] = []): DynamicModule {
  let byFeature = features.get(core);
  if (!byFeature) features.set(core, (byFeature = new Map()));
  let module = byFeature.get(feature);
  if (!module) byFeature.set(feature, (module = { module: feature, imports: [core, ...imports] }));
  return module;
}
