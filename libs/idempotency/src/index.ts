export * from './idempotency.port.js';
export * from './idempotency-store.js';
export * from './event-log-idempotency-store.js';
