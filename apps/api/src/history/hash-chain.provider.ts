import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { join } from 'node:path';
import { HashChainer, HashChainStore } from '../../../../libs/audit/src/index.js';
import type { AppConfig } from '../../../../libs/config/src/index.js';
import type { EventStore } from '../../../../libs/event-store/src/index.js';
import { APP_CONFIG, EVENT_STORE } from '../infrastructure/tokens.js';

export const hashChainStoreProvider = {
  provide: HashChainStore,
  useFactory: (config: AppConfig) => new HashChainStore(join(config.dataDir, 'event-hashes.sqlite')),
  inject: [APP_CONFIG],
};

/** Keeps the hash chain up with the log while the application runs. */
@Injectable()
export class HashChainLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('HashChain');
  private readonly chainer: HashChainer;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly chain: HashChainStore,
  ) {
    this.chainer = new HashChainer(store, chain);
  }

  async onApplicationBootstrap(): Promise<void> {
    const added = await this.chainer.catchUp();
    if (added > 0) this.logger.log(`chained ${added} events written while the application was stopped`);
    this.chainer.start((error) => this.logger.error(`hash chain stopped: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Before the store closes (that happens at application shutdown, after every module is destroyed). */
  async onModuleDestroy(): Promise<void> {
    await this.chainer.stop();
    this.chain.close();
  }
}
