import type { Zone } from '../shared/scope.js';
import type { Qualifier } from '../shared/quantity.js';
import type { IndicatorDefinition, Target } from './sheet.events.js';

/*
 * Reading sheet events of schema version 1 as version 2. Old logs are never rewritten: each stored
 * event keeps its text and its version, and these functions run on every read. They never invent
 * precision: a version-1 day stays a day, a version-1 target has no territory, zone nor horizon
 * (null: unknown, not "all"), and a value is exact unless the importer had written its qualifier
 * into `comment`.
 */

type V1Target = { value: number; by?: string | null; due?: string | null; label?: string | null };
type V1Indicator = Omit<IndicatorDefinition, 'targets'> & { targets?: V1Target[] };

/** The qualifiers libs/seed wrote into `comment` before reports had a qualifier of their own. */
const SEEDED_QUALIFIERS: readonly string[] = ['about', 'more_than'] satisfies Qualifier[];

export function upcastTargetV1(t: V1Target): Target {
  if ('qualifier' in t && 'due' in t) return t as unknown as Target;
  return { value: t.value, qualifier: 'exact', due: t.due ?? t.by ?? null, horizon: null, territory: null, zone: null, label: t.label ?? null };
}

const upcastIndicatorV1 = (i: V1Indicator): IndicatorDefinition => ({ ...i, targets: (i.targets ?? []).map(upcastTargetV1) });

type Data = Record<string, unknown>;
/**
 * `{ ...d, ...fields }`, key for key in the same order, at a fraction of the cost: V8 copies an object
 * that JSON.parse built about seven times faster with Object.assign than with a spread, and every
 * event of an old log goes through here on every read. When the reader owns `d` (it has just parsed
 * it, and nothing else holds it), the fields are set on `d` itself, in the same order: no copy at all
 * (a store's read of a million version-1 reports, about 0.17 s less per reading thread).
 */
const withFields = (d: Data, fields: Data, owned: boolean): Data =>
  // Object.assign onto d is safe with an own "__proto__" key of d's (JSON.parse makes one): only
  // `fields`' keys are set. Copying d by Object.assign would set the prototype instead; a spread copies it as a key.
  owned ? Object.assign(d, fields) : Object.hasOwn(d, '__proto__') ? { ...d, ...fields } : Object.assign(Object.assign({}, d), fields);
const UPCASTERS_V1: Partial<Record<string, (data: Data, owned: boolean) => Data>> = {
  IndicatorReported: (d, owned) => {
    if ('observed' in d) return d;
    const seeded = typeof d.comment === 'string' && SEEDED_QUALIFIERS.includes(d.comment);
    return withFields(d, {
      qualifier: seeded ? d.comment : 'exact',
      comment: seeded ? null : (d.comment ?? null),
      observed: d.observedOn,
      zone: (d.zone as Zone | null | undefined) ?? null,
    }, owned);
  },
  IndicatorReportCorrected: (d, owned) => ('observed' in d ? d : withFields(d, { observed: d.observedOn }, owned)),
  MilestoneReached: (d, owned) => ('reached' in d ? d : withFields(d, { reached: d.reachedOn, statedOn: null }, owned)),
  SheetCreated: (d, owned) => withFields(d, { indicators: ((d.indicators as V1Indicator[] | undefined) ?? []).map(upcastIndicatorV1) }, owned),
  IndicatorAdded: (d, owned) => withFields(d, { indicator: upcastIndicatorV1(d.indicator as V1Indicator) }, owned),
  SheetCarriedOver: (d, owned) => withFields(d, { addedIndicators: ((d.addedIndicators as V1Indicator[] | undefined) ?? []).map(upcastIndicatorV1) }, owned),
  IndicatorTargetSet: (d, owned) => withFields(d, { target: upcastTargetV1(d.target as V1Target) }, owned),
};

/**
 * A stored sheet event's data as the current schema reads it; other types and versions pass through.
 * Reading data that is already of the current shape changes nothing, so a reader may upcast what a
 * store has upcast already (events relayed with their stored version, read models fed directly).
 */
export function upcastSheetEvent(type: string, schemaVersion: number, data: unknown, owned = false): unknown {
  const upcaster = UPCASTERS_V1[type];
  if (!upcaster || schemaVersion >= 2 || data === null || typeof data !== 'object') return data;
  return upcaster(data as Data, owned);
}
