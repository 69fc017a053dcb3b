import { ruleBroken } from './domain-error.js';

/** Units an indicator may be measured in. */
export const UNITS = ['count', 'percent', 'amount', 'ratio', 'number'] as const;
export type Unit = (typeof UNITS)[number];

/**
 * The largest magnitude a value may have: beyond it a JSON number no longer holds every integer
 * (9007199254740993 arrives as …992), so the tracker would store another number than the one sent.
 */
export const MAX_VALUE_MAGNITUDE = Number.MAX_SAFE_INTEGER;

/** A number an indicator of some unit may hold: finite and within the exactly representable range. */
export const isIndicatorValue = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_VALUE_MAGNITUDE;

const RULES: Record<Unit, { test: (v: number) => boolean; words: string }> = {
  count: { test: (v) => Number.isSafeInteger(v) && v >= 0, words: 'a whole number ≥ 0' },
  percent: { test: (v) => v >= 0 && v <= 100, words: 'a percentage between 0 and 100' },
  amount: { test: (v) => v >= 0, words: 'an amount in euros ≥ 0' },
  ratio: { test: (v) => v >= 0, words: 'a ratio ≥ 0' },
  number: { test: () => true, words: 'a finite number' },
};

export function assertFitsUnit(unit: Unit, value: number, field = 'value'): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw ruleBroken('value_not_finite', `${field} must be a finite number`, { field });
  }
  if (!isIndicatorValue(value)) {
    throw ruleBroken('value_out_of_range', `${field} must lie between -${MAX_VALUE_MAGNITUDE} and ${MAX_VALUE_MAGNITUDE}`, { field, value });
  }
  const rule = RULES[unit];
  if (!rule.test(value)) {
    throw ruleBroken('value_does_not_fit_unit', `${field} ${value} does not fit the indicator's unit "${unit}": it must be ${rule.words}`, { field, unit, value });
  }
}
