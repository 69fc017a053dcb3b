import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { SeriesQuery, SheetQuery } from '../sheets/dto/sheet-query.dto.js';
import { ReportIndicatorDto } from '../sheets/dto/sheet-write.dto.js';
import { StrictValidationPipe } from './validation.pipe.js';

/** The same DTOs without their own `admits`: the pipe validates them with class-validator only. */
class FullSheetQuery extends SheetQuery {}
class FullSeriesQuery extends SeriesQuery {}
class FullReportIndicatorDto extends ReportIndicatorDto {}

const pipe = new StrictValidationPipe();
const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype, data: undefined });
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'body', metatype, data: undefined });

/** What the pipe answers: the instance's own fields, or the refusal's name, message and details. */
async function answer(value: unknown, metatype: ArgumentMetadata['metatype'], kind = query): Promise<unknown> {
  try {
    const given = value !== null && typeof value === 'object' && !Array.isArray(value) ? { ...value } : value;
    const result = await pipe.transform(given, kind(metatype));
    return { accepted: { ...(result as object) }, instance: result instanceof (metatype as new () => object) };
  } catch (error) {
    return { refused: { name: (error as Error).name, message: (error as Error).message, details: JSON.stringify(error) } };
  }
}

const DAYS = ['2020-01-01', '2024-02-29', '2023-02-29', '2020-02-30', '1899-12-31', '1900-01-01', '2100-12-31', '2101-01-01', '2020-1-01', '', ' 2020-01-01', '2020-01-01T00:00:00Z', 'x'];
const INSTANTS = ['2021-03-04T12:00:00Z', '2021-03-04', '2021-03-04T12:00:00+02:00', '2021-03-04T12:00', '2021-13-04T12:00:00Z', '2021-03-04T99:99:99Z', 'now', ''];
const VERSIONS = ['V3', 'V12', 'V1234', 'v3', 'V', ''];
const TERRITORIES = ['37', '24', '99', 'toString', '__proto__', ''];
const AGGREGATES = ['region', 'Region', ''];

function* sheetQueries(): Generator<Record<string, unknown>> {
  yield {};
  for (const asOf of DAYS) yield { asOf };
  for (const knownAt of INSTANTS) yield { knownAt };
  for (const version of VERSIONS) yield { version };
  for (const asOf of DAYS.slice(0, 4)) for (const knownAt of INSTANTS.slice(0, 4)) yield { asOf, knownAt };
  yield { asOf: '2020-01-01', version: 'V3' };
  yield { asOf: '2020-01-01', other: '1' };
  yield { other: '1' };
  yield { asOf: ['2020-01-01', '2020-01-02'] };
  yield { asOf: 20200101 };
  yield { asOf: null };
  yield { asOf: undefined };
  yield { constructor: '1' };
  yield { toString: '1' };
  yield { hasOwnProperty: '1' };
  yield JSON.parse('{"__proto__": "1"}') as Record<string, unknown>;
}

function* seriesQueries(): Generator<Record<string, unknown>> {
  for (const q of sheetQueries()) if (!('version' in q)) yield q;
  for (const territory of TERRITORIES) yield { territory };
  for (const aggregate of AGGREGATES) yield { aggregate };
  yield { territory: '37', aggregate: 'region', asOf: '2020-01-01', knownAt: '2021-03-04T12:00:00Z' };
  yield { version: 'V3' };
}

function* reportBodies(): Generator<unknown> {
  const day = '2024-03-31';
  for (const value of [12, 0, -0, 1.5, -3, 1e15, 1e16, -1e16, Number.NaN, Infinity, '12', null, true, [1]]) yield { value, observedOn: day };
  for (const observedOn of [...DAYS, null, 20240331, ['2024-03-31']]) yield { value: 1, observedOn };
  yield { value: 1 };
  yield { observedOn: day };
  yield {};
  yield { value: 1, observed: '2023-Q1' };
  yield { value: 1, observedOn: '2023-03-31', observed: '2023-Q1' };
  yield { value: 1, observedOn: day, observed: 'x' };
  for (const qualifier of ['exact', 'about', 'at_least', 'Exact', '', null, 1]) yield { value: 1, observedOn: day, qualifier };
  for (const territory of [...TERRITORIES, null, 37]) yield { value: 1, observedOn: day, territory };
  for (const zone of ['privee', 'publique', 'amel', 'x', null]) yield { value: 1, observedOn: day, zone };
  yield { value: 1, observedOn: day, zone: 'amel', territory: '28' };
  yield { value: 1, observedOn: day, zone: 'amel', territory: '37' };
  for (const length of [0, 10, 300, 301, 2000, 2001, 5000]) {
    yield { value: 1, observedOn: day, source: 'é'.repeat(length) };
    yield { value: 1, observedOn: day, comment: 'x'.repeat(length) };
  }
  yield { value: 1, observedOn: day, source: '😀'.repeat(200) };
  yield { value: 1, observedOn: day, comment: null, source: null };
  yield { value: 1, observedOn: day, source: 3 };
  yield { value: 1, observedOn: day, other: 1 };
  yield { value: 1, observedOn: day, constructor: 1 };
  yield JSON.parse('{"value": 1, "observedOn": "2024-03-31", "__proto__": {"x": 1}}') as unknown;
  yield { value: 1, observedOn: day, reportId: 'r-1' };
  yield null;
  yield [1];
  yield 'text';
  yield 12;
}

describe('the report body checked by hand in its common case', () => {
  it('the pipe answers every body as class-validator alone does', async () => {
    const differences: unknown[] = [];
    let handled = 0;
    for (const b of reportBodies()) {
      if (ReportIndicatorDto.admits(b)) handled++;
      const quick = await answer(b, ReportIndicatorDto, body);
      const slow = await answer(b, FullReportIndicatorDto, body);
      if (JSON.stringify(quick) !== JSON.stringify(slow)) differences.push({ b, quick, slow });
    }
    expect(differences).toEqual([]);
    expect(handled).toBeGreaterThan(20);
  });

  it('says no to everything that class-validator refuses, and to a report dated as printed', () => {
    expect(ReportIndicatorDto.admits({ value: 12, observedOn: '2024-03-31' })).toBe(true);
    expect(ReportIndicatorDto.admits({ value: 12, observedOn: '2024-03-31', territory: '37', qualifier: 'about', comment: 'ok' })).toBe(true);
    expect(ReportIndicatorDto.admits({ value: 12, observedOn: '2023-02-29' })).toBe(false);
    expect(ReportIndicatorDto.admits({ value: '12', observedOn: '2024-03-31' })).toBe(false);
    expect(ReportIndicatorDto.admits({ value: 12, observed: '2023-Q1' })).toBe(false);
    expect(ReportIndicatorDto.admits({ value: 12, observedOn: '2024-03-31', territory: null })).toBe(false);
    expect(ReportIndicatorDto.admits({ value: 12, observedOn: '2024-03-31', other: 1 })).toBe(false);
  });
});

describe('the query DTOs checked by hand in their common case', () => {
  it.each([
    ['SheetQuery', SheetQuery, FullSheetQuery, sheetQueries],
    ['SeriesQuery', SeriesQuery, FullSeriesQuery, seriesQueries],
  ] as const)('%s: the pipe answers every query as class-validator alone does', async (_name, dto, full, queries) => {
    const differences: unknown[] = [];
    let handled = 0;
    for (const q of queries()) {
      if (dto.admits(q)) handled++;
      const quick = await answer(q, dto);
      const slow = await answer(q, full);
      if (JSON.stringify(quick) !== JSON.stringify(slow)) differences.push({ q, quick, slow });
    }
    expect(differences).toEqual([]);
    // The hand check does take the common case off class-validator's hands.
    expect(handled).toBeGreaterThan(10);
  });

  it('says no to everything that class-validator refuses, and to parameters the DTO does not declare', () => {
    expect(SheetQuery.admits({ asOf: '2020-01-01' })).toBe(true);
    expect(SheetQuery.admits({ asOf: '2020-01-01', knownAt: '2021-03-04T12:00:00Z' })).toBe(true);
    expect(SheetQuery.admits({ asOf: '2023-02-29' })).toBe(false);
    expect(SheetQuery.admits({ knownAt: 'now' })).toBe(false);
    expect(SheetQuery.admits({ territory: '37' })).toBe(false);
    expect(SheetQuery.admits({ asOf: ['2020-01-01'] })).toBe(false);
    expect(SeriesQuery.admits({ version: 'V3' })).toBe(false);
  });
});
