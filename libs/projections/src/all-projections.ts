import { EventFeedProjection } from './event-feed/event-feed.projection.js';
import type { Projection } from './projection.js';
import { RoadmapsProjection } from './roadmaps/roadmaps.projection.js';
import { SheetsProjection } from './sheets/sheets.projection.js';

/** Every read model of the tracker, fresh instances (statements are prepared per database). */
export const allProjections = (): Projection[] => [new RoadmapsProjection(), new SheetsProjection(), new EventFeedProjection()];
