import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HashChainer, HashChainStore } from '#audit';
import type { EventStore } from '#event-store';
import { ProjectionHost, WorkerProjectionHost } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';

/** Keeps the hash chain up with the log while the application runs. */
@Injectable()
export class HashChainLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HashChain');
  private readonly chainer: HashChainer;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(HashChainStore) chain: HashChainStore,
    @Inject(ProjectionHost) private readonly host: ProjectionHost,
  ) {
    this.chainer = new HashChainer(store, chain);
  }

  /** The projection worker keeps the chain when it runs (openTracker gives it the chain's file). */
  private get keptByWorker(): boolean {
    return this.host instanceof WorkerProjectionHost && this.host.chainsHashes;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.keptByWorker) return;
    const added = await this.chainer.catchUp();
    if (added > 0) this.logger.log(`chained ${added} events written while the application was stopped`);
    this.chainer.start((error) => this.logger.error(`hash chain stopped: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Before the store closes (that happens at application shutdown, after every module is destroyed); the tracker closes the chain's file. */
  async onModuleDestroy(): Promise<void> {
    if (!this.keptByWorker) await this.chainer.stop();
  }
}
