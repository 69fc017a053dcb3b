export * from './canonical-json.js';
export * from './event-log-reader.js';
export * from './hash-chain.js';
export * from './event-log-transfer.js';
