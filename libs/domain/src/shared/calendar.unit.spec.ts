import { describe, expect, it } from '@jest/globals';
import { assertCalendarDate, dayOf, daysInMonth, isCalendarDate, ymd } from './calendar.js';
import { DomainError } from './domain-error.js';

describe('calendar dates', () => {
  it('accepts a real day written YYYY-MM-DD', () => {
    expect(isCalendarDate('2023-06-26')).toBe(true);
    expect(isCalendarDate('2023-12-31')).toBe(true);
  });

  it('rejects days that do not exist: 30 February, 31 April, month 13, day 0', () => {
    for (const day of ['2023-02-30', '2023-02-29', '2023-04-31', '2023-13-01', '2023-00-10', '2023-01-00']) {
      expect(isCalendarDate(day)).toBe(false);
    }
  });

  it('knows 29 February only in leap years, century rule included', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2100-02-29')).toBe(false);
  });

  it('applies the leap-year rule to years below 100 as well', () => {
    expect(isCalendarDate('0000-02-29')).toBe(true);
    expect(isCalendarDate('0004-02-29')).toBe(true);
    expect(isCalendarDate('0001-02-29')).toBe(false);
  });

  it('rejects other spellings and non-strings', () => {
    for (const value of ['2023-6-26', '26/06/2023', '2023-06-26T00:00:00Z', ' 2023-06-26', '', null, undefined, 20230626]) {
      expect(isCalendarDate(value)).toBe(false);
    }
  });

  it('counts the days of each month', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2023, m))).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(daysInMonth(2024, 2)).toBe(29);
  });

  it('asserting a date returns it, or raises invalid_date naming the field', () => {
    expect(assertCalendarDate('observedOn', '2024-03-31')).toBe('2024-03-31');
    let error: unknown;
    try {
      assertCalendarDate('observedOn', '2023-02-30');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_date', kind: 'invalid', details: { field: 'observedOn' } });
  });

  it('takes the UTC day of a timestamp and writes days with two-digit month and day', () => {
    expect(dayOf('2024-03-31T23:59:59.999Z')).toBe('2024-03-31');
    expect(ymd(2024, 7, 1)).toBe('2024-07-01');
  });
});
