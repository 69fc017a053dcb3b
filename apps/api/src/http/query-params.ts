import { invalid } from '#domain';

/** A whole-number query parameter within bounds, or 400 naming it. */
export function wholeNumberParam(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw invalid('invalid_query', `${name} must be a whole number between ${min} and ${max}`, { field: name });
  return n;
}
