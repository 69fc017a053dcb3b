import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { isPeriod, parsePeriod } from './period.js';

const span = (label: string) => {
  const { start, end } = parsePeriod(label);
  return [start, end];
};

describe('due periods', () => {
  it('a year runs from 1 January to 31 December', () => {
    expect(span('2025')).toEqual(['2025-01-01', '2025-12-31']);
  });

  it('the first semester runs January to June, the second July to December', () => {
    expect(span('2024-S1')).toEqual(['2024-01-01', '2024-06-30']);
    expect(span('2024-S2')).toEqual(['2024-07-01', '2024-12-31']);
  });

  it('quarters cover three months each', () => {
    expect(span('2024-Q1')).toEqual(['2024-01-01', '2024-03-31']);
    expect(span('2024-Q2')).toEqual(['2024-04-01', '2024-06-30']);
    expect(span('2024-Q3')).toEqual(['2024-07-01', '2024-09-30']);
    expect(span('2024-Q4')).toEqual(['2024-10-01', '2024-12-31']);
  });

  it('a month ends on its last day, February included in leap and common years', () => {
    expect(span('2024-02')).toEqual(['2024-02-01', '2024-02-29']);
    expect(span('2023-02')).toEqual(['2023-02-01', '2023-02-28']);
    expect(span('2023-04')).toEqual(['2023-04-01', '2023-04-30']);
    expect(span('2023-12')).toEqual(['2023-12-01', '2023-12-31']);
  });

  it('a day is a period of one day', () => {
    expect(span('2023-06-26')).toEqual(['2023-06-26', '2023-06-26']);
  });

  it('a range A/B runs from the start of A to the end of B, whatever their precision', () => {
    expect(span('2023-S2/2024-S1')).toEqual(['2023-07-01', '2024-06-30']);
    expect(span('2024/2026')).toEqual(['2024-01-01', '2026-12-31']);
    expect(span('2024-Q4/2025-02')).toEqual(['2024-10-01', '2025-02-28']);
    expect(span('2024-S1/2024-S1')).toEqual(['2024-01-01', '2024-06-30']);
  });

  it('keeps the label as written', () => {
    expect(parsePeriod('2023-S2/2024-S1').label).toBe('2023-S2/2024-S1');
  });

  it('rejects a range that ends before it starts', () => {
    expect(isPeriod('2024-S2/2024-S1')).toBe(false);
    expect(isPeriod('2025/2024-12')).toBe(false);
  });

  it('rejects labels that are not periods', () => {
    for (const label of ['2024-S3', '2024-S0', '2024-Q5', '2024-Q0', '2024-13', '2024-00', '2023-02-30', '24', '2024-s2', 'S2-2024', '2024/', '/2024', '2023/2024/2025', 'next year', '']) {
      expect(isPeriod(label)).toBe(false);
    }
    expect(isPeriod(2024)).toBe(false);
    expect(isPeriod(null)).toBe(false);
  });

  it('an invalid label raises invalid_period naming the field', () => {
    let error: unknown;
    try {
      parsePeriod('2024-S3', 'milestones[0].due');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_period', kind: 'invalid', details: { field: 'milestones[0].due' } });
  });
});
