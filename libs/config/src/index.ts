export * from './app-config.js';
export * from './data-files.js';
