export * from './access.decider.js';
export * from './token-store.js';
