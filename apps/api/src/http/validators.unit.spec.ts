import { describe, expect, it } from '@jest/globals';
import { isNonBlankText, isPeriod, isTrackedDate } from '#domain';
import { propertyRules } from './openapi/constraint-schemas.js';
import { IsCalendarDate, IsNonBlank, IsPeriod } from './validators.js';

class Probe {
  @IsCalendarDate() day!: string;
  @IsPeriod() due!: string;
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
