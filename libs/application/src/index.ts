export * from './command-context.js';
export * from './aggregate-repository.js';
export * from './snapshot-store.js';
export * from './sheet-commands.service.js';
export * from './startup-hook.js';
