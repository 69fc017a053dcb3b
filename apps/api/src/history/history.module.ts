import { Module } from '@nestjs/common';
import { GlobalHistory } from './global-history.service.js';
import { HashChainLifecycle, hashChainStoreProvider } from './hash-chain.provider.js';
import { HistoryController } from './history.controller.js';

/** Audit: the global history, the NDJSON export, the hash chain and its verification. */
@Module({
  controllers: [HistoryController],
  providers: [GlobalHistory, hashChainStoreProvider, HashChainLifecycle],
})
export class HistoryModule {}
