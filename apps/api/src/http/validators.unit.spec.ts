import { describe, expect, it } from '@jest/globals';
import { validateSync } from 'class-validator';
import { isDatedLabel, isNonBlankText, isPeriod, isTrackedDate } from '#domain';
import { propertyRules } from './openapi/constraint-schemas.js';
import { IsCalendarDate, IsDatedLabel, IsNonBlank, IsPeriod } from './validators.js';

class Probe {
  @IsCalendarDate() day!: string;
  @IsPeriod() due!: string;
  @IsDatedLabel() printed!: string;
}

const pattern = (property: string) => new RegExp(propertyRules(Probe).get(property)!.schema.pattern as string);
const pad = (n: number) => String(n).padStart(2, '0');

describe('the schemas the API rules publish', () => {
  it('say exactly which days a date field accepts, leap days and the tracked years included', () => {
    const day = pattern('day');
    const mismatches: string[] = [];
    for (let y = 1890; y <= 2110; y++) for (let m = 0; m <= 13; m++) for (let d = 0; d <= 32; d++) {
      const value = `${y}-${pad(m)}-${pad(d)}`;
      if (day.test(value) !== isTrackedDate(value)) mismatches.push(value);
    }
    expect(mismatches).toEqual([]);
  });

  it('describe only periods the rule accepts', () => {
    const due = pattern('due');
    for (const value of ['2024', '2024-S2', '2024-Q3', '2024-06', '2024-02-29', '2100-12-31', '1900-01']) {
      expect([value, due.test(value)]).toEqual([value, true]);
      expect(isPeriod(value)).toBe(true);
    }
    for (const value of ['2024-S3', '2024-13', '2023-02-29', '1899', '2101-Q1', '2024-Q5', '0000-01-01']) {
      expect([value, due.test(value)]).toEqual([value, false]);
      expect([value, isPeriod(value)]).toEqual([value, false]);
    }
  });
});

describe('the printed date rule', () => {
  class Printed { @IsDatedLabel() printed!: string; }
  const accepts = (value: string) => validateSync(Object.assign(new Printed(), { printed: value })).length === 0;
  it('publishes a pattern that agrees with the rule on points and open ranges, within and around the tracked years', () => {
    const printed = pattern('printed');
    const tails = ['', '-S1', '-S2', '-S3', '-Q1', '-Q4', '-Q5', '-00', '-01', '-12', '-13', '-02-29', '-02-30', '-04-31', '-12-31',
      '-early', '-mid', '-late', '-06-early', '-10-mid', '-12-late', '-13-late', '-spring', '-summer', '-autumn', '-winter', '-S1-late'];
    const mismatches: string[] = [];
    let accepted = 0;
    for (const y of ['0000', '1899', '1900', '1904', '1999', '2000', '2023', '2024', '2099', '2100', '2101', '9999']) for (const tail of tails) {
      for (const value of [`${y}${tail}`, `${y}${tail}/..`, `../${y}${tail}`]) {
        if (printed.test(value) !== accepts(value)) mismatches.push(value);
        if (accepts(value)) accepted++;
      }
    }
    expect(mismatches).toEqual([]);
    expect(accepted).toBeGreaterThan(300);
    expect(['../..', '2023/2024/2025', ' 2023', '2023 '].filter((v) => printed.test(v) || accepts(v))).toEqual([]);
  });

  it('accepts the closed ranges the pattern cannot order, and only those the domain accepts', () => {
    for (const value of ['2023/2025', '2022-late/2023-Q2', '2023-spring/2023-autumn']) {
      expect([value, accepts(value), isDatedLabel(value)]).toEqual([value, true, true]);
    }
    expect([accepts('2025/2023'), accepts('0001-late/2023'), isDatedLabel('0001-late/2023')]).toEqual([false, false, true]);
  });
});

describe('the non-blank text rule', () => {
  class Text { @IsNonBlank() text!: string; }
  it('publishes a pattern that finds exactly what String.prototype.trim keeps', () => {
    const nonBlank = new RegExp(propertyRules(Text).get('text')!.schema.pattern as string);
    const mismatches: number[] = [];
    for (let c = 0; c <= 0xffff; c++) {
      if (c >= 0xd800 && c <= 0xdfff) continue;
      const s = String.fromCharCode(c);
      if (nonBlank.test(s) !== isNonBlankText(s)) mismatches.push(c);
    }
    expect(mismatches).toEqual([]);
  });
});
