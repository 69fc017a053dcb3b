import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { compareDated, containsDay, formatDatedFr, isBefore, isDatedLabel, isKnownAsOf, overlaps, parseDated, parseDatedFr, precisionOf, statedOn } from './dated.js';
import { parsePeriod } from './period.js';

const span = (label: string) => {
  const d = parseDated(label);
  return [d.start, d.end];
};
const fr = (label: string) => formatDatedFr(parseDated(label));
const read = (text: string) => parseDatedFr(text)?.label ?? null;

describe('a date as precise as it is printed', () => {
  it('covers the same days as a due period for every label both know', () => {
    for (const label of ['2023', '2023-S1', '2023-S2', '2023-Q1', '2023-Q4', '2024-02', '2023-06-26', '2023/2025', '2023-Q4/2024', '2022-01/2023-03']) {
      const period = parsePeriod(label);
      expect([label, ...span(label)]).toEqual([label, period.start, period.end]);
    }
  });

  it('knows its precision, the coarsest of its two ends', () => {
    expect(['2023-06-26', '2023-06', '2023-Q4', '2023-S2', '2023', '2023-late', '2023-10-mid', '2023-spring'].map((l) => precisionOf(parseDated(l)))).toEqual(['day', 'month', 'quarter', 'half', 'year', 'year', 'month', 'season']);
    expect(precisionOf(parseDated('2023-06/2023-09'))).toBe('month');
    expect(precisionOf(parseDated('2023-06-08/2024'))).toBe('year');
    expect(precisionOf(parseDated('2024/..'))).toBeNull();
  });

  it('reads "début", "mi-" and "fin" of a year as its first quarter, June–July and its last quarter', () => {
    expect(span('2024-early')).toEqual(['2024-01-01', '2024-03-31']);
    expect(span('2023-mid')).toEqual(['2023-06-01', '2023-07-31']);
    expect(span('2023-late')).toEqual(['2023-10-01', '2023-12-31']);
    expect(span('2023-late')).toEqual(span('2023-Q4'));
  });

  it('reads the parts of a month as its décades, February included', () => {
    expect(span('2023-10-early')).toEqual(['2023-10-01', '2023-10-10']);
    expect(span('2023-10-mid')).toEqual(['2023-10-11', '2023-10-20']);
    expect(span('2024-02-late')).toEqual(['2024-02-21', '2024-02-29']);
    expect(span('2023-02-late')).toEqual(['2023-02-21', '2023-02-28']);
  });

  it('reads seasons as fixed days of the year', () => {
    expect(span('2023-spring')).toEqual(['2023-03-20', '2023-06-20']);
    expect(span('2023-summer')).toEqual(['2023-06-21', '2023-09-22']);
    expect(span('2023-autumn')).toEqual(['2023-09-23', '2023-12-20']);
  });

  it('keeps a range open at one end, as ISO 8601-2 writes it', () => {
    expect(span('2024/..')).toEqual(['2024-01-01', null]);
    expect(span('../2030')).toEqual([null, '2030-12-31']);
    expect(parseDated('2024/..').to).toBeNull();
  });

  it('keeps "après 2023" as 2023 over: the days of "à partir de 2024", the words of the document', () => {
    // Given the document's "Après 2023", when it is read, then it names 2023 and starts on 1 January 2024.
    const after = parseDatedFr('Après 2023')!;
    expect([after.label, after.start, after.end, after.from?.label, after.to]).toEqual(['>2023/..', '2024-01-01', null, '2023', null]);
    expect(formatDatedFr(after)).toBe('après 2023');
    expect(formatDatedFr(parseDated('2024/..'))).toBe('à partir de 2024');
    expect(span('>2023-06/..')).toEqual(['2023-07-01', null]);
    expect(span('>2023-12-31/..')).toEqual(['2024-01-01', null]);
    // "après" opens a range at its end only.
    for (const label of ['>2023', '>2023/2025', '../>2023', '>../..']) expect([label, isDatedLabel(label)]).toEqual([label, false]);
    // An open-ended date is never wholly past: nothing "à partir de"/"après" can be overdue.
    expect(isKnownAsOf(parseDated('>2023/..'), '2099-12-31')).toBe(false);
  });

  it('prints an uncertain date with the question mark the document gives it', () => {
    // Given "au quatrième trimestre ?" (sheet 2.1), when printed, then the doubt is kept.
    expect(formatDatedFr(parseDated('2023-Q4'), { uncertain: true })).toBe('au 4e trimestre 2023 ?');
    expect(formatDatedFr(parseDated('2023-Q4'), { uncertain: false })).toBe('au 4e trimestre 2023');
  });

  it('rejects what is not a printed date', () => {
    for (const label of ['../..', '2024-S3', '2023-13', '2023-02-30', '2023-end', '2023-winter', '2023-13-late', '2023-06-26-late', '2024/2023', '2023-late/2023-Q1', 'fin 2023', '', '2023/2024/2025']) {
      expect([label, isDatedLabel(label)]).toEqual([label, false]);
    }
    expect(isDatedLabel(2023)).toBe(false);
    let error: unknown;
    try {
      parseDated('2023-end', 'reports[0].observed');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: 'invalid_dated', kind: 'invalid', details: { field: 'reports[0].observed' } });
  });
});

describe('in French, as the document prints it', () => {
  it('formats each precision with its preposition', () => {
    expect(fr('2023-06-26')).toBe('le 26 juin 2023');
    expect(fr('2023-06-01')).toBe('le 1er juin 2023');
    expect(fr('2021-03')).toBe('en mars 2021');
    expect(fr('2023')).toBe('en 2023');
    expect(fr('2023-Q4')).toBe('au 4e trimestre 2023');
    expect(fr('2023-Q1')).toBe('au 1er trimestre 2023');
    expect(fr('2023-S1')).toBe('au 1er semestre 2023');
    expect(fr('2023-S2')).toBe('au 2e semestre 2023');
    expect(fr('2023-late')).toBe('fin 2023');
    expect(fr('2024-early')).toBe('début 2024');
    expect(fr('2023-mid')).toBe('mi-2023');
    expect(fr('2023-10-mid')).toBe('mi-octobre 2023');
    expect(fr('2023-03-late')).toBe('fin mars 2023');
    expect(fr('2023-spring')).toBe('au printemps 2023');
    expect(fr('2023-summer')).toBe('en été 2023');
  });

  it('formats ranges and open ends', () => {
    expect(fr('2023/2025')).toBe('de 2023 à 2025');
    expect(fr('2023-06/2023-09')).toBe('de juin à septembre 2023');
    expect(fr('2023-09/2024-12')).toBe('de septembre 2023 à décembre 2024');
    expect(fr('2022-01-01/2023-03-31')).toBe('du 1er janvier 2022 au 31 mars 2023');
    expect(fr('2023-late/2024')).toBe('de fin 2023 à 2024');
    expect(fr('2023-Q4/2024')).toBe('du 4e trimestre 2023 à 2024');
    expect(fr('2024/..')).toBe('à partir de 2024');
    expect(fr('2024-Q2/..')).toBe('à partir du 2e trimestre 2024');
    expect(fr('../2024')).toBe("jusqu'en 2024");
    expect(fr('../2024-late')).toBe("jusqu'à fin 2024");
    expect(fr('../2023-06-26')).toBe("jusqu'au 26 juin 2023");
  });

  it('reads the dates the document prints', () => {
    const printed: [string, string | null][] = [
      ['le 26 juin 2023', '2023-06-26'],
      ['au 07/06/2023', '2023-06-07'],
      ['au 31/12/2022', '2022-12-31'],
      ['en mars 2021', '2021-03'],
      ['Juin 2023', '2023-06'],
      ['T1 2023', '2023-Q1'],
      ['au quatrième trimestre 2022', '2022-Q4'],
      ['quatrième trimestre de 2018', '2018-Q4'],
      ['Au 3e trimestre 2022', '2022-Q3'],
      ['1er semestre 2023', '2023-S1'],
      ['2e semestre 2023', '2023-S2'],
      ['En 2023', '2023'],
      ['fin 2023', '2023-late'],
      ['Fin 2022', '2022-late'],
      ['Début 2022', '2022-early'],
      ['mi-octobre 2023', '2023-10-mid'],
      ['au printemps 2023', '2023-spring'],
      ['2023/2024', '2023/2024'],
      ['2023-2025', '2023/2025'],
      ['2022 – 2025', '2022/2025'],
      ['Juin – septembre 2023', '2023-06/2023-09'],
      ['Septembre 2023 – décembre 2024', '2023-09/2024-12'],
      ['janvier 2022-mars 2023', '2022-01/2023-03'],
      ['AVRIL/MAI 2024', '2024-04/2024-05'],
      ['Fin 2023 et 2024', '2023-late/2024'],
      ['À partir de 2024', '2024/..'],
      ['2024 et ensuite', '2024/..'],
      ['2024 et au-delà', '2024/..'],
      ['Après 2023', '>2023/..'],
      ["Jusqu'en 2024", '../2024'],
      ["d'ici 2030", '../2030'],
      ['mi-octobre', null],
      ['Étape 1', null],
      ['le 8 juin', null],
    ];
    expect(printed.map(([text]) => [text, read(text)])).toEqual(printed);
  });

  it('formats back what it reads, for the forms it prints', () => {
    for (const text of ['après 2023', 'le 26 juin 2023', 'en mars 2021', 'en 2023', 'fin 2023', 'début 2022', 'mi-octobre 2023', 'au printemps 2023', 'au 2e semestre 2023', 'à partir de 2024', "jusqu'en 2024", 'de 2023 à 2025', 'de juin à septembre 2023', 'du 1er janvier 2022 au 31 mars 2023']) {
      const dated = parseDatedFr(text);
      expect([text, dated && formatDatedFr(dated)]).toEqual([text, text]);
    }
  });
});

describe('compared as intervals of days', () => {
  const d = parseDated;

  it('orders by first day, then last day', () => {
    const labels = ['2024', '2023-late', '2023', '2023-06-26', '../2023', '2023/..'];
    expect([...labels].sort((a, b) => compareDated(d(a), d(b)))).toEqual(['../2023', '2023', '2023/..', '2023-06-26', '2023-late', '2024']);
    expect(compareDated(d('2023-late'), d('2023-Q4'))).toBe(0);
  });

  it('a date is before another only when all its days are', () => {
    expect(isBefore(d('2023-Q3'), d('2023-late'))).toBe(true);
    expect(isBefore(d('2023'), d('2023-late'))).toBe(false);
    expect(isBefore(d('2022'), d('2023/..'))).toBe(true);
    expect(isBefore(d('2023/..'), d('2030'))).toBe(false);
    expect(overlaps(d('2023'), d('2023-late'))).toBe(true);
    expect(overlaps(d('2023-S1'), d('2023-S2'))).toBe(false);
    expect(containsDay(d('2023-late'), '2023-11-15')).toBe(true);
    expect(containsDay(d('2023-late'), '2023-09-30')).toBe(false);
    expect(containsDay(d('../2024'), '1999-01-01')).toBe(true);
  });
});

describe('valid time (asOf)', () => {
  const d = parseDated;

  it('shows a fact once its whole interval has passed', () => {
    expect(isKnownAsOf(d('2023'), '2023-06-30')).toBe(false);
    expect(isKnownAsOf(d('2023'), '2023-12-31')).toBe(true);
    expect(isKnownAsOf(d('2023-Q1'), '2023-03-31')).toBe(true);
    expect(isKnownAsOf(d('2023-Q1'), '2023-03-30')).toBe(false);
    expect(isKnownAsOf(d('2023-06-26'), '2023-06-26')).toBe(true);
    expect(isKnownAsOf(d('2022-late'), '2022-12-30')).toBe(false);
    expect(isKnownAsOf(d('2024/..'), '2099-12-31')).toBe(false);
  });

  it('a past event stated in a document ends no later than the document', () => {
    const refonte = statedOn(d('2023'), '2023-06-26');
    expect([refonte.start, refonte.end, refonte.label]).toEqual(['2023-01-01', '2023-06-26', '2023']);
    expect(isKnownAsOf(refonte, '2023-06-26')).toBe(true);
    expect(isKnownAsOf(refonte, '2023-06-25')).toBe(false);
    expect(statedOn(d('2021-03'), '2023-06-26')).toEqual(d('2021-03'));
    expect(() => statedOn(d('2023-late'), '2023-06-26')).toThrow(DomainError);
  });
});
