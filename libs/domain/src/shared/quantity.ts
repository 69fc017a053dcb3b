import { invalid } from './domain-error.js';
import type { Unit } from './units.js';

/**
 * A figure with the words the document puts before it: "environ 44 %" is not 44 %, "plus de 2 500"
 * is not 2 500, "un peu plus de 80 %" is neither 80 % nor "plus de 80 %". The value is the printed
 * number; the qualifier says how the real figure relates to it.
 */
export const QUALIFIERS = ['exact', 'about', 'more_than', 'slightly_more_than', 'at_least', 'less_than', 'at_most'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export interface Quantity {
  value: number;
  qualifier: Qualifier;
}

export const isQualifier = (q: unknown): q is Qualifier => typeof q === 'string' && (QUALIFIERS as readonly string[]).includes(q);

export function quantity(value: number, qualifier: Qualifier = 'exact'): Quantity {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid('invalid_quantity', 'a quantity needs a finite value', { value });
  if (!isQualifier(qualifier)) throw invalid('invalid_qualifier', `qualifier must be one of ${QUALIFIERS.join(', ')}`, { qualifier });
  return { value, qualifier };
}

/**
 * "environ" and "un peu plus de" give no bounds of their own. They are read as within 10 % of the
 * printed value — wide enough for "environ 44 %" to hold 43 or 46 %, narrow enough that "environ
 * 44 %" is not "82 %". Comparisons that the tolerance decides either way answer "undetermined"
 * rather than guess (see meetsTarget).
 */
export const ABOUT_TOLERANCE = 0.1;

/** The values the real figure may take: [min, max], each bound open or closed, ±Infinity when unbounded. */
export interface Bounds {
  min: number;
  minIncluded: boolean;
  max: number;
  maxIncluded: boolean;
}

export function boundsOf(q: Quantity, tolerance = ABOUT_TOLERANCE): Bounds {
  const spread = Math.abs(q.value) * tolerance;
  switch (q.qualifier) {
    case 'exact': return { min: q.value, minIncluded: true, max: q.value, maxIncluded: true };
    case 'about': return { min: q.value - spread, minIncluded: true, max: q.value + spread, maxIncluded: true };
    case 'more_than': return { min: q.value, minIncluded: false, max: Infinity, maxIncluded: false };
    case 'slightly_more_than': return { min: q.value, minIncluded: false, max: q.value + spread, maxIncluded: true };
    case 'at_least': return { min: q.value, minIncluded: true, max: Infinity, maxIncluded: false };
    case 'less_than': return { min: -Infinity, minIncluded: false, max: q.value, maxIncluded: false };
    case 'at_most': return { min: -Infinity, minIncluded: false, max: q.value, maxIncluded: true };
  }
}

export type TargetOutcome = 'met' | 'not_met' | 'undetermined';

/**
 * Whether a reported figure meets a target. `direction` says which way the target points:
 * `at_least` (reach 2 000 subscribers, the default) or `at_most` (stay under a ceiling). A target
 * is read as its printed value: "environ 2 000" as a target aims at 2 000, and "plus de 2 000"
 * demands more than 2 000. The answer is `met` only if every value the report allows meets the
 * target, `not_met` only if none does, and `undetermined` otherwise: "un peu plus de 80 %" against
 * 82 % is undetermined, "environ 44 %" against 82 % is not met, "plus de 2 500" against 2 000 is met.
 */
export function meetsTarget(reported: Quantity, target: Quantity | number, direction: 'at_least' | 'at_most' = 'at_least', tolerance = ABOUT_TOLERANCE): TargetOutcome {
  const t = typeof target === 'number' ? quantity(target) : target;
  const strict = t.qualifier === 'more_than' || t.qualifier === 'slightly_more_than' || t.qualifier === 'less_than';
  // Seen from the target, a ceiling is a floor on the negated figure.
  const b = boundsOf(reported, tolerance);
  const [lo, loIn, hi, hiIn, goal] = direction === 'at_least' ? [b.min, b.minIncluded, b.max, b.maxIncluded, t.value] : [-b.max, b.maxIncluded, -b.min, b.minIncluded, -t.value];
  const allPass = lo > goal || (lo === goal && (!strict || !loIn));
  if (allPass) return 'met';
  const nonePass = hi < goal || (hi === goal && (strict || !hiIn));
  return nonePass ? 'not_met' : 'undetermined';
}

/** Orders two figures when their bounds allow it: 'lt', 'gt', 'eq' (both exact and equal), else 'undetermined'. */
export function compareQuantities(a: Quantity, b: Quantity, tolerance = ABOUT_TOLERANCE): 'lt' | 'eq' | 'gt' | 'undetermined' {
  if (a.qualifier === 'exact' && b.qualifier === 'exact') return a.value < b.value ? 'lt' : a.value > b.value ? 'gt' : 'eq';
  const x = boundsOf(a, tolerance);
  const y = boundsOf(b, tolerance);
  const below = (p: Bounds, q: Bounds) => p.max < q.min || (p.max === q.min && !(p.maxIncluded && q.minIncluded));
  if (below(x, y)) return 'lt';
  if (below(y, x)) return 'gt';
  return 'undetermined';
}

// ---- French ------------------------------------------------------------------------------------

const NBSP = '\u00a0';
const WORDS: Record<Exclude<Qualifier, 'exact'>, string> = {
  about: 'environ',
  more_than: 'plus de',
  slightly_more_than: 'un peu plus de',
  at_least: 'au moins',
  less_than: 'moins de',
  at_most: 'au plus',
};

/** "1 000", "91,5", "2 500" — French digits, with a no-break space between thousands. */
export function formatNumberFr(value: number): string {
  const [int, dec] = String(Math.abs(value)).split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
  return `${value < 0 ? '-' : ''}${grouped}${dec ? `,${dec}` : ''}`;
}

/** "environ 44 %", "plus de 1 000", "un peu plus de 80 %", "moins de 16 %", "91,5 %", "2 000 €". */
export function formatQuantityFr(q: Quantity, unit: Unit | null = null): string {
  const number = formatNumberFr(q.value);
  const withUnit = unit === 'percent' ? `${number}${NBSP}%` : unit === 'amount' ? `${number}${NBSP}€` : number;
  return q.qualifier === 'exact' ? withUnit : `${WORDS[q.qualifier]} ${withUnit}`;
}

// Words first, longest first, so that "un peu plus de" is not read as "plus de".
const READ: [RegExp, Qualifier][] = [
  [/^un peu plus d[e']\s*/i, 'slightly_more_than'],
  [/^(?:plus d[e']|au-delà de)\s*/i, 'more_than'],
  [/^(?:au moins|au minimum|pas moins de)\s*/i, 'at_least'],
  [/^moins d[e']\s*/i, 'less_than'],
  [/^(?:au plus|au maximum|jusqu'à)\s*/i, 'at_most'],
  [/^(?:environ|près de|quelque|approximativement)\s*/i, 'about'],
];
// "une cinquantaine" = about 50: the document prints dizaine, vingtaine, trentaine, quarantaine, cinquantaine, centaine.
const APPROXIMATE_NUMBERS: Record<string, number> = { dizaine: 10, douzaine: 12, quinzaine: 15, vingtaine: 20, trentaine: 30, quarantaine: 40, cinquantaine: 50, soixantaine: 60, centaine: 100 };

/**
 * Reads a printed figure: "environ 44 %", "plus de 2 500", "un peu plus de 80%", "moins de 16 %",
 * "au moins 50", "91,5 %", "une cinquantaine", "Plus d'une centaine". Returns null when the text is
 * not a figure. The unit words (%, €) are read past, not returned.
 */
export function parseQuantityFr(text: string): Quantity | null {
  let t = text.trim().replace(/\s+/g, ' ');
  let qualifier: Qualifier = 'exact';
  for (const [words, q] of READ) {
    if (words.test(t)) {
      qualifier = q;
      t = t.replace(words, '');
      break;
    }
  }
  const approx = /^(?:une |d'une )?(dizaine|douzaine|quinzaine|vingtaine|trentaine|quarantaine|cinquantaine|soixantaine|centaine)\b/i.exec(t);
  if (approx) {
    const value = APPROXIMATE_NUMBERS[approx[1]!.toLowerCase()]!;
    // "plus d'une centaine" keeps its "plus de"; "une cinquantaine" alone is "environ 50".
    return { value, qualifier: qualifier === 'exact' ? 'about' : qualifier };
  }
  const number = /^(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})+|-?\d+)(?:,(\d+))?\s*(?:%|€)?(?:\s|$|[.,;:)])/.exec(t + ' ');
  if (!number) return null;
  const value = Number(`${number[1]!.replace(/[ \u00a0\u202f]/g, '')}${number[2] ? `.${number[2]}` : ''}`);
  return { value, qualifier };
}
