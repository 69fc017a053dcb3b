export * from './event-store.port.js';
export * from './event-envelope.js';
export * from './position-waiters.js';
export * from './time-ordered-id.js';
export * from './polling-subscription.js';
export * from './sqlite/sqlite-event-store.js';
export * from './eventstoredb/eventstoredb-event-store.js';
export * from './create-event-store.js';
