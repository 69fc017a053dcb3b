export * from './idempotency-store.js';
