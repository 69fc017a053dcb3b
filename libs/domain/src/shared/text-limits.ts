import { invalid } from './domain-error.js';

/**
 * Longest text, in characters, each field accepts. The deciders check them, so that every way in
 * (HTTP, the seed, the CLI import) obeys the same limits; the HTTP DTOs reuse them to answer early
 * with the field's name.
 */
export const TEXT_LIMITS = {
  /** A stable id (kebab-case slug): sheet, roadmap, organisation, indicator, milestone. */
  id: 80,
  roadmapTitle: 300,
  regionName: 200,
  enjeuTitle: 500,
  sheetTitle: 300,
  objective: 2000,
  theme: 300,
  context: 20000,
  objectives: 20000,
  indicatorName: 500,
  milestoneTitle: 500,
  targetLabel: 200,
  reportSource: 1000,
  reportComment: 5000,
  /** Why a sheet was revised, a report corrected or a milestone rescheduled. */
  reason: 2000,
  evidence: 2000,
  /** Why a project was abandoned or a sheet retired. */
  explanation: 5000,
  summary: 5000,
  adoptedBy: 300,
  facts: 5000,
} as const;

export type TextField = keyof typeof TEXT_LIMITS;

/** A text with something besides white space in it (what `String.prototype.trim` removes). */
export const isNonBlankText = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

/** A required text: non-blank and within its limit; `field` is the path the error names. */
export function requireText(field: string, value: unknown, max: number): string {
  if (!isNonBlankText(value)) throw invalid('missing_text', `${field} must be a non-empty text`, { field });
  return checkLength(field, value, max);
}

/** An optional text: absent or null is fine, a text must be within its limit (an empty one is accepted, as the DTOs do). */
export function optionalText(field: string, value: unknown, max: number): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string') throw invalid('invalid_text', `${field} must be a text`, { field });
  checkLength(field, value, max);
}

function checkLength(field: string, value: string, max: number): string {
  if (value.length > max) throw invalid('text_too_long', `${field} is longer than ${max} characters`, { field, max });
  return value;
}
