export * from './shared/domain-error.js';
export * from './shared/calendar.js';
export * from './shared/period.js';
export * from './shared/units.js';
export * from './shared/territory.js';
export * from './shared/decider.js';
export * from './sheet/sheet.events.js';
export * from './sheet/sheet.commands.js';
export * from './sheet/sheet.decider.js';
export * from './roadmap/roadmap.events.js';
export * from './roadmap/roadmap.commands.js';
export * from './roadmap/roadmap.decider.js';

import { ROADMAP_EVENT_TYPES, type RoadmapEvent } from './roadmap/roadmap.events.js';
import { SHEET_EVENT_TYPES, type SheetEvent } from './sheet/sheet.events.js';
export type DomainEvent = SheetEvent | RoadmapEvent;
export const DOMAIN_EVENT_TYPES: readonly DomainEvent['type'][] = [...SHEET_EVENT_TYPES, ...ROADMAP_EVENT_TYPES];
