export * from './projection.js';
export * from './read-model-db.js';
export * from './projection-host.js';
export * from './projection-runner.js';
export * from './worker-projection-host.js';
export * from './sheets/sheet-view.js';
export * from './sheets/sheets.projection.js';
export * from './enjeu-rollup/enjeu-rollup.js';
export * from './event-feed/event-feed.projection.js';
export * from './roadmaps/roadmaps.projection.js';

export * from './all-projections.js';
export * from './read-model-rebuild.js';
