export * from './projection.js';
export * from './read-model-db.js';
export * from './projection-runner.js';
export * from './sheet-view.js';
export * from './sheets.projection.js';
export * from './enjeu-rollup.js';
export * from './event-feed.projection.js';
export * from './roadmaps.projection.js';

import { EventFeedProjection } from './event-feed.projection.js';
import type { Projection } from './projection.js';
import { RoadmapsProjection } from './roadmaps.projection.js';
import { SheetsProjection } from './sheets.projection.js';

/** Every read model of the tracker, fresh instances (statements are prepared per database). */
export const allProjections = (): Projection[] => [new RoadmapsProjection(), new SheetsProjection(), new EventFeedProjection()];
