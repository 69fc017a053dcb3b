import { ruleBroken } from './domain-error.js';

/** Units an indicator may be measured in. */
export const UNITS = ['count', 'percent', 'amount', 'ratio', 'number'] as const;
export type Unit = (typeof UNITS)[number];

const RULES: Record<Unit, { test: (v: number) => boolean; words: string }> = {
  count: { test: (v) => Number.isInteger(v) && v >= 0, words: 'a whole number ≥ 0' },
  percent: { test: (v) => v >= 0 && v <= 100, words: 'a percentage between 0 and 100' },
  amount: { test: (v) => v >= 0, words: 'an amount in euros ≥ 0' },
  ratio: { test: (v) => v >= 0, words: 'a ratio ≥ 0' },
  number: { test: () => true, words: 'a finite number' },
};

export function assertFitsUnit(unit: Unit, value: number, field = 'value'): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw ruleBroken('value_not_finite', `${field} must be a finite number`, { field });
  }
  const rule = RULES[unit];
  if (!rule.test(value)) {
    throw ruleBroken('value_does_not_fit_unit', `${field} ${value} does not fit the indicator's unit "${unit}": it must be ${rule.words}`, { field, unit, value });
  }
}
