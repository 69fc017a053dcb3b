export * from './assessment.model.js';
export * from './assessment-generator.js';
export * from './assessment-renderers.js';
export * from './read-model-source.js';
export * from './calendar-days.js';
