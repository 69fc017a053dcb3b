export * from './seed-files.js';
export * from './seed-roadmap.js';
export * from './seed-hook.js';
