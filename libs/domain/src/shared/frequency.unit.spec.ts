import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { addMonths, assertReportingFrequency, isReportingFrequency, nextValueDue, REPORTING_FREQUENCIES } from './frequency.js';

describe('reporting frequency', () => {
  it('is monthly, quarterly, yearly or once', () => {
    expect([...REPORTING_FREQUENCIES]).toEqual(['monthly', 'quarterly', 'yearly', 'once']);
    expect(isReportingFrequency('weekly')).toBe(false);
    expect(isReportingFrequency('Monthly')).toBe(false);
  });

  it('null means no frequency; anything else raises invalid_frequency naming the field', () => {
    expect(assertReportingFrequency('frequency', null)).toBeNull();
    expect(assertReportingFrequency('frequency', 'yearly')).toBe('yearly');
    let error: unknown;
    try { assertReportingFrequency('frequency', 'weekly'); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_frequency', kind: 'invalid', details: { field: 'frequency' } });
  });

  it('adds calendar months, clamping to the last day of a shorter month', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
  });

  it('the next value is due one period after the last observation; nothing follows a value reported once', () => {
    expect(nextValueDue('2024-03-31', 'monthly')).toBe('2024-04-30');
    expect(nextValueDue('2024-03-31', 'quarterly')).toBe('2024-06-30');
    expect(nextValueDue('2024-03-31', 'yearly')).toBe('2025-03-31');
    expect(nextValueDue('2024-03-31', 'once')).toBeNull();
  });
});
