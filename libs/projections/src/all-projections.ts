import { EventFeedProjection } from './event-feed/event-feed.projection.js';
import type { LoggedEvent } from '#event-store';
import type { Projection } from './projection.js';
import { RoadmapsProjection } from './roadmaps/roadmaps.projection.js';
import { SheetsProjection, type SheetsPart } from './sheets/sheets.projection.js';

/**
 * Every read model of the tracker, fresh instances (statements are prepared per database). `sheets`:
 * which part of the sheets projection (a rebuild on two threads writes the series elsewhere);
 * `sheetDocumentsKept`: sheet documents kept parsed between batches (SHEET_DOCUMENTS_KEPT; none by default).
 */
export const allProjections = (options: { sheets?: SheetsPart; sheetDocumentsKept?: number } = {}): Projection<LoggedEvent>[] => [
  new RoadmapsProjection(), new SheetsProjection(options.sheets, { documentsKept: options.sheetDocumentsKept }), new EventFeedProjection(),
];
