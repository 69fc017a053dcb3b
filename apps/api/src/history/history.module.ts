import { Module } from '@nestjs/common';
import { GlobalHistory } from './global-history.service.js';
import { HashChainLifecycle, hashChainStoreProvider } from './hash-chain.provider.js';
import { HistoryController } from './history.controller.js';
import { RollupAt } from './rollup-at.service.js';

/** Audit: the global history, the NDJSON export, the hash chain and its verification; roll-ups in time. */
@Module({
  controllers: [HistoryController],
  providers: [GlobalHistory, RollupAt, hashChainStoreProvider, HashChainLifecycle],
  exports: [RollupAt],
})
export class HistoryModule {}
