import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { boundsOf, compareQuantities, formatNumberFr, formatQuantityFr, meetsTarget, parseQuantityFr, quantity } from './quantity.js';

const NBSP = '\u00a0';
const plain = (s: string) => s.replaceAll(NBSP, ' ');

describe('a figure with its qualifier', () => {
  it('is built from a finite value and a known qualifier', () => {
    expect(quantity(44, 'about')).toEqual({ value: 44, qualifier: 'about' });
    expect(quantity(2000)).toEqual({ value: 2000, qualifier: 'exact' });
    expect(() => quantity(Number.NaN)).toThrow(DomainError);
    expect(() => quantity(1, 'roughly' as never)).toThrow(DomainError);
  });

  it('allows the values its words allow', () => {
    expect(boundsOf(quantity(2500, 'more_than'))).toEqual({ min: 2500, minIncluded: false, max: Infinity, maxIncluded: false });
    expect(boundsOf(quantity(50, 'at_least'))).toMatchObject({ min: 50, minIncluded: true });
    expect(boundsOf(quantity(16, 'less_than'))).toMatchObject({ max: 16, maxIncluded: false });
    expect(boundsOf(quantity(5, 'at_most'))).toMatchObject({ max: 5, maxIncluded: true });
    const about = boundsOf(quantity(44, 'about'));
    expect([about.min, about.max].map((x) => Math.round(x * 10) / 10)).toEqual([39.6, 48.4]);
    const slightly = boundsOf(quantity(80, 'slightly_more_than'));
    expect([slightly.min, slightly.minIncluded, slightly.max]).toEqual([80, false, 88]);
  });
});

describe('against a target', () => {
  it('is met only when every value the words allow meets it', () => {
    expect(meetsTarget(quantity(2500, 'more_than'), 2000)).toBe('met');
    expect(meetsTarget(quantity(2000), 2000)).toBe('met');
    expect(meetsTarget(quantity(2000, 'at_least'), 2000)).toBe('met');
    expect(meetsTarget(quantity(1999), 2000)).toBe('not_met');
  });

  it('reads Annexe 3 as it is printed: "un peu plus de 80 %" against 82 % is undetermined, "environ 44 %" is not met', () => {
    expect(meetsTarget(quantity(80, 'slightly_more_than'), 82)).toBe('undetermined');
    expect(meetsTarget(quantity(80, 'more_than'), 82)).toBe('undetermined');
    expect(meetsTarget(quantity(44, 'about'), 82)).toBe('not_met');
    expect(meetsTarget(quantity(80, 'about'), 82)).toBe('undetermined');
  });

  it('a strict target is not met by its own value', () => {
    expect(meetsTarget(quantity(2000), quantity(2000, 'more_than'))).toBe('not_met');
    expect(meetsTarget(quantity(2000, 'more_than'), quantity(2000, 'more_than'))).toBe('met');
    expect(meetsTarget(quantity(2000, 'at_least'), quantity(2000, 'more_than'))).toBe('undetermined');
  });

  it('a ceiling is met from below', () => {
    expect(meetsTarget(quantity(16, 'less_than'), 16, 'at_most')).toBe('met');
    expect(meetsTarget(quantity(16, 'at_most'), 16, 'at_most')).toBe('met');
    expect(meetsTarget(quantity(20, 'about'), 15, 'at_most')).toBe('not_met');
    expect(meetsTarget(quantity(15, 'about'), 15, 'at_most')).toBe('undetermined');
    expect(meetsTarget(quantity(17), quantity(17, 'less_than'), 'at_most')).toBe('not_met');
  });

  it('orders two figures only when their bounds do not overlap', () => {
    expect(compareQuantities(quantity(3), quantity(3))).toBe('eq');
    expect(compareQuantities(quantity(44, 'about'), quantity(80, 'more_than'))).toBe('lt');
    expect(compareQuantities(quantity(27), quantity(16, 'less_than'))).toBe('gt');
    expect(compareQuantities(quantity(16, 'less_than'), quantity(16, 'at_least'))).toBe('lt');
    expect(compareQuantities(quantity(15, 'about'), quantity(16, 'less_than'))).toBe('undetermined');
    expect(compareQuantities(quantity(80, 'more_than'), quantity(82))).toBe('undetermined');
  });
});

describe('in French', () => {
  it('formats as the document prints, with no-break spaces', () => {
    expect(plain(formatQuantityFr(quantity(44, 'about'), 'percent'))).toBe('environ 44 %');
    expect(plain(formatQuantityFr(quantity(1000, 'more_than')))).toBe('plus de 1 000');
    expect(plain(formatQuantityFr(quantity(80, 'slightly_more_than'), 'percent'))).toBe('un peu plus de 80 %');
    expect(plain(formatQuantityFr(quantity(16, 'less_than'), 'percent'))).toBe('moins de 16 %');
    expect(plain(formatQuantityFr(quantity(50, 'at_least')))).toBe('au moins 50');
    expect(plain(formatQuantityFr(quantity(5, 'at_most')))).toBe('au plus 5');
    expect(plain(formatQuantityFr(quantity(91.5), 'percent'))).toBe('91,5 %');
    expect(plain(formatQuantityFr(quantity(1337268)))).toBe('1 337 268');
    expect(plain(formatQuantityFr(quantity(2000), 'amount'))).toBe('2 000 €');
    expect(formatNumberFr(2500)).toBe(`2${NBSP}500`);
    expect(formatNumberFr(-1200.25)).toBe(`-1${NBSP}200,25`);
  });

  it('reads the figures the document prints', () => {
    const printed: [string, [number, string] | null][] = [
      ['environ 44%', [44, 'about']],
      ['environ 15 %', [15, 'about']],
      ['un peu plus de 80% de prises éligibles', [80, 'slightly_more_than']],
      ['plus de 2 500 étudiants', [2500, 'more_than']],
      ['plus de 35 espèces végétales', [35, 'more_than']],
      ['moins de 16 % dans les fonctions techniques', [16, 'less_than']],
      ['au moins 50 agents', [50, 'at_least']],
      ['1 337 268', [1337268, 'exact']],
      ['91,5%', [91.5, 'exact']],
      ['26,9 %', [26.9, 'exact']],
      ['une cinquantaine de collectivités', [50, 'about']],
      ['une trentaine de fiches-projets', [30, 'about']],
      ['Une dizaine de groupes de travail', [10, 'about']],
      ["Plus d'une centaine de structures", [100, 'more_than']],
      ['environ 200 professionnels', [200, 'about']],
      ['mars 2021', null],
      ['trois confinements', null],
    ];
    expect(printed.map(([text]) => { const q = parseQuantityFr(text); return [text, q && [q.value, q.qualifier]]; })).toEqual(printed);
  });

  it('formats back what it reads', () => {
    for (const text of ['environ 44 %', 'plus de 1 000', 'un peu plus de 80 %', 'moins de 16 %', 'au moins 50', '91,5 %']) {
      const q = parseQuantityFr(text)!;
      expect(plain(formatQuantityFr(q, text.endsWith('%') ? 'percent' : null))).toBe(text);
    }
  });
});
