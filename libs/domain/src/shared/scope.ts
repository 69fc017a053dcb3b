import { invalid } from './domain-error.js';
import { DEPARTMENTS, REGION_CODE, isTerritory } from './territory.js';

/**
 * What a figure or a target is about: a territory (INSEE code: the region 24 or one of its six
 * departments) and the breakdowns the document prints it under (the fibre table's zone). A value
 * is compared with the target of the same scope only: the 2025 target of the public zone of the
 * Loir-et-Cher (139 152 prises) says nothing about the region's total, nor about its private zone.
 *
 * `territory: null` is a figure the document ties to no territory of the region (Net-Irrig's
 * subscribers all over France); two such figures share their scope. A missing breakdown is not a
 * wildcard: "all zones" and "zone publique" are different scopes.
 */
export const ZONES = ['privee', 'publique', 'amel'] as const;
export type Zone = (typeof ZONES)[number];

export interface Breakdown {
  zone?: Zone;
}

export interface Scope {
  territory: string | null;
  breakdown: Readonly<Breakdown>;
}

const BREAKDOWN_KEYS = ['zone'] as const;

export function scope(territory: string | null, breakdown: Breakdown = {}): Scope {
  if (territory !== null && !isTerritory(territory)) throw invalid('invalid_territory', `territory must be an INSEE code of the region (${REGION_CODE}) or of one of its departments`, { territory });
  for (const key of Object.keys(breakdown)) {
    if (!(BREAKDOWN_KEYS as readonly string[]).includes(key)) throw invalid('invalid_breakdown', `unknown breakdown "${key}"`, { key });
  }
  if (breakdown.zone !== undefined && !(ZONES as readonly string[]).includes(breakdown.zone)) throw invalid('invalid_zone', `zone must be one of ${ZONES.join(', ')}`, { zone: breakdown.zone });
  // The AMEL zone exists in the Eure-et-Loir only (Annexe 2) and in the region that contains it.
  if (breakdown.zone === 'amel' && territory !== '28' && territory !== REGION_CODE) throw invalid('invalid_zone', 'the AMEL zone is in the Eure-et-Loir (28) only', { territory, zone: 'amel' });
  return Object.freeze({ territory, breakdown: Object.freeze(breakdown.zone === undefined ? {} : { zone: breakdown.zone }) });
}

/** The scope of a report or target row as the seed files and events write it: `territory` and `zone` side by side. */
export const scopeOf = (row: { territory?: string | null; zone?: string | null }): Scope =>
  scope(row.territory ?? null, row.zone ? { zone: row.zone as Zone } : {});

export function sameScope(a: Scope, b: Scope): boolean {
  return a.territory === b.territory && BREAKDOWN_KEYS.every((k) => a.breakdown[k] === b.breakdown[k]);
}

/** A stable key for maps: `24`, `28|zone=amel`, `-` for no territory. Equal keys ⇔ sameScope. */
export function scopeKey(s: Scope): string {
  const parts = [s.territory ?? '-', ...BREAKDOWN_KEYS.filter((k) => s.breakdown[k] !== undefined).map((k) => `${k}=${s.breakdown[k]}`)];
  return parts.join('|');
}

/** The targets that a value of scope `s` is measured against: those of the same scope, nothing broader or narrower. */
export function targetsFor<T extends { territory?: string | null; zone?: string | null }>(s: Scope, targets: readonly T[]): T[] {
  return targets.filter((t) => sameScope(scopeOf(t), s));
}

/**
 * Whether `inner` is part of `outer`: a department is part of the region, a zone of its territory
 * is part of the territory's "all zones". Used to say which figures a roll-up may add up; never
 * to pair a value with a target (that is sameScope).
 */
export function isWithin(inner: Scope, outer: Scope): boolean {
  if (inner.territory === null || outer.territory === null) return inner.territory === outer.territory && sameScope(inner, outer);
  const territoryWithin = inner.territory === outer.territory || (outer.territory === REGION_CODE && inner.territory in DEPARTMENTS);
  const breakdownWithin = BREAKDOWN_KEYS.every((k) => outer.breakdown[k] === undefined || outer.breakdown[k] === inner.breakdown[k]);
  return territoryWithin && breakdownWithin;
}
