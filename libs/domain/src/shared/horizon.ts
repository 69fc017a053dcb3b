import { formatDatedFr, isDatedLabel, parseDated } from './dated.js';
import { invalid } from './domain-error.js';
import { requireText } from './text-limits.js';

/**
 * A date the document gives relative to another one: "Objectifs à 3 ans" of a sheet adopted with
 * the V4 on 26 June 2023. It is kept as the document says it (a duration, what it counts from,
 * its words) and never turned into a day: "à 3 ans" names no month, let alone 30 June 2026.
 */
export interface Horizon {
  /** An ISO 8601 duration in whole years, months or days: `P3Y`, `P18M`. */
  duration: string;
  /** What the duration counts from, a dated label as printed (the V4 adoption: `2023-06-26`). */
  from: string;
  /** The document's words: "à 3 ans". */
  printed: string;
}

const DURATION = /^P[1-9]\d{0,2}[YMD]$/;

export function isHorizon(value: unknown): value is Horizon {
  if (typeof value !== 'object' || value === null) return false;
  const h = value as Record<string, unknown>;
  return typeof h.duration === 'string' && DURATION.test(h.duration) && isDatedLabel(h.from) && typeof h.printed === 'string' && h.printed.trim().length > 0;
}

export function assertHorizon(value: unknown, field: string): Horizon {
  const h = (value ?? {}) as Partial<Horizon>;
  if (typeof h.duration !== 'string' || !DURATION.test(h.duration)) throw invalid('invalid_horizon', `${field}.duration must be an ISO 8601 duration in years, months or days (P3Y)`, { field: `${field}.duration` });
  if (!isDatedLabel(h.from)) throw invalid('invalid_horizon', `${field}.from must be a date as printed (shared/dated.ts)`, { field: `${field}.from` });
  requireText(`${field}.printed`, h.printed, 60);
  return { duration: h.duration, from: h.from, printed: h.printed! };
}

/**
 * A due date in French as the document prints it: the dated label with its doubt ("au 4e trimestre
 * 2023 ?"), else the relative horizon's own words ("à 3 ans"), else null. Never a day it does not give.
 */
export function printedDueFr(m: { due: string | null; uncertain?: boolean; horizon?: Horizon | null }): string | null {
  if (m.due !== null) return formatDatedFr(parseDated(m.due), { uncertain: m.uncertain === true });
  return m.horizon ? m.horizon.printed : null;
}
