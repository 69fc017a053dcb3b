import { Module, type DynamicModule } from '@nestjs/common';
import { overTracker } from '../infrastructure/tracker.module.js';
import { GlobalHistory } from './global-history.service.js';
import { HashChainLifecycle } from './hash-chain.provider.js';
import { HistoryController } from './history.controller.js';

/** Audit: the global history, the NDJSON export, the hash chain and its verification. */
@Module({
  controllers: [HistoryController],
  providers: [GlobalHistory, HashChainLifecycle],
})
export class HistoryModule {
  static forTracker(tracker: DynamicModule): DynamicModule {
    return overTracker(HistoryModule, tracker);
  }
}
