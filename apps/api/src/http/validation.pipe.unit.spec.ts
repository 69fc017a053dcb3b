import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { SeriesQuery, SheetQuery } from '../sheets/dto/sheet-query.dto.js';
import { StrictValidationPipe } from './validation.pipe.js';

/** The same DTOs without their own `admits`: the pipe validates them with class-validator only. */
class FullSheetQuery extends SheetQuery {}
class FullSeriesQuery extends SeriesQuery {}

const pipe = new StrictValidationPipe();
const query = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({ type: 'query', metatype, data: undefined });

/** What the pipe answers: the instance's own fields, or the refusal's name, message and details. */
async function answer(value: Record<string, unknown>, metatype: ArgumentMetadata['metatype']): Promise<unknown> {
  try {
    const result = await pipe.transform({ ...value }, query(metatype));
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
