import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { assertFitsUnit, UNITS, type Unit } from './units.js';

function errorOf(unit: Unit, value: number): DomainError | null {
  try {
    assertFitsUnit(unit, value);
    return null;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
}
const fits = (unit: Unit, value: number) => errorOf(unit, value) === null;

describe('indicator units', () => {
  it('offers count, percent, amount, ratio and number', () => {
    expect([...UNITS]).toEqual(['count', 'percent', 'amount', 'ratio', 'number']);
  });

  it('a count is a whole number, zero or more', () => {
    expect(fits('count', 0)).toBe(true);
    expect(fits('count', 128)).toBe(true);
    expect(fits('count', 2.5)).toBe(false);
    expect(fits('count', -1)).toBe(false);
  });

  it('a percentage lies between 0 and 100 inclusive, decimals allowed', () => {
    expect(fits('percent', 0)).toBe(true);
    expect(fits('percent', 100)).toBe(true);
    expect(fits('percent', 37.5)).toBe(true);
    expect(fits('percent', 100.01)).toBe(false);
    expect(fits('percent', -0.5)).toBe(false);
  });

  it('an amount in euros is zero or more', () => {
    expect(fits('amount', 0)).toBe(true);
    expect(fits('amount', 1_250_000.5)).toBe(true);
    expect(fits('amount', -1)).toBe(false);
  });

  it('a ratio is zero or more', () => {
    expect(fits('ratio', 0)).toBe(true);
    expect(fits('ratio', 3.2)).toBe(true);
    expect(fits('ratio', -0.1)).toBe(false);
  });

  it('a plain number may be negative', () => {
    expect(fits('number', -12.5)).toBe(true);
  });

  it('a value outside its unit raises value_does_not_fit_unit with the unit and value', () => {
    expect(errorOf('percent', 120)).toMatchObject({ code: 'value_does_not_fit_unit', kind: 'rule', details: { field: 'value', unit: 'percent', value: 120 } });
  });

  it('NaN and infinities fit no unit and raise value_not_finite', () => {
    for (const unit of UNITS) {
      for (const value of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        expect(errorOf(unit, value)).toMatchObject({ code: 'value_not_finite', kind: 'rule' });
      }
    }
  });

  it('a value that is not a number at all raises value_not_finite', () => {
    expect(errorOf('number', '12' as unknown as number)).toMatchObject({ code: 'value_not_finite' });
  });

  it('names the field it checked', () => {
    expect(errorOf('count', -1)?.details).toMatchObject({ field: 'value' });
    expect(() => assertFitsUnit('count', -1, 'targets[0].value')).toThrow('targets[0].value');
  });
});
