export * from './shared/domain-error.js';
export * from './shared/calendar.js';
export * from './shared/period.js';
export * from './shared/units.js';
export * from './shared/territory.js';
export * from './shared/dated.js';
export * from './shared/horizon.js';
export * from './shared/quantity.js';
export * from './shared/scope.js';
export * from './shared/frequency.js';
export * from './shared/decider.js';
export * from './shared/text-limits.js';
export * from './sheet/sheet.events.js';
export * from './sheet/sheet.commands.js';
export * from './sheet/sheet.decider.js';
export { ReportTable } from './sheet/report-table.js';
export * from './sheet/indicator-targets.js';
export * from './sheet/sheet-outcome.js';
export * from './roadmap/version-label.js';
export * from './roadmap/data-quality.events.js';
export * from './roadmap/data-quality.commands.js';
export * from './roadmap/data-quality.decider.js';
export * from './roadmap/roadmap.events.js';
export * from './roadmap/roadmap.commands.js';
export * from './roadmap/roadmap.decider.js';

import type { RoadmapEvent } from './roadmap/roadmap.events.js';
import type { SheetEvent } from './sheet/sheet.events.js';
export type DomainEvent = SheetEvent | RoadmapEvent;
export * from './sheet/sheet.upcasters.js';

import { upcastSheetEvent } from './sheet/sheet.upcasters.js';
import { SHEET_EVENT_SCHEMA_VERSIONS } from './sheet/sheet.events.js';

/** The schema version an event of `type` is written with now (1 for a type that never changed). */
export const eventSchemaVersion = (type: string): number => (SHEET_EVENT_SCHEMA_VERSIONS as Record<string, number>)[type] ?? 1;

/**
 * Reads a stored domain event as the current schema: the one upcaster every event store is opened
 * with (libs/tracker, the projection worker). Events of other types pass through unchanged.
 */
export function upcastDomainEvent(type: string, schemaVersion: number, data: unknown, owned = false): unknown {
  return upcastSheetEvent(type, schemaVersion, data, owned);
}
