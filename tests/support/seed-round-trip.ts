import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDated, precisionOf } from '#domain';
import type { RunningApp } from './test-app.js';

/*
 * The seed files against the API of a server seeded with them. Every leaf of every file (a string,
 * number, boolean, null, or an empty list or object) is either located in an API answer and compared,
 * or excluded with a reason; a leaf that no rule claims is reported as unmapped, so that a field
 * added to a seed file cannot be skipped without anyone deciding where the API serves it.
 */

export const SEED_FILES = ['roadmap', 'sheets-v3', 'sheets-v4', 'infrastructure', 'v3-figures', 'governance', 'discrepancies'] as const;
export type SeedFile = (typeof SEED_FILES)[number];
export type SeedData = Record<SeedFile, unknown>;

const SEED_DIR = join(process.cwd(), 'seeds', 'scoran-centre-val-de-loire');
const ROADMAP = 'scoran-centre-val-de-loire';

export function readSeedFiles(): SeedData {
  return Object.fromEntries(SEED_FILES.map((f) => [f, JSON.parse(readFileSync(join(SEED_DIR, `${f}.json`), 'utf8'))])) as SeedData;
}

/** Leaves counted by JSON.parse's reviver, which visits every value: a check on the walker below. */
export function countLeavesOfFile(file: SeedFile): number {
  let leaves = 0;
  JSON.parse(readFileSync(join(SEED_DIR, `${file}.json`), 'utf8'), (_key, value) => {
    if (value === null || typeof value !== 'object' || Object.keys(value).length === 0) leaves++;
    return value;
  });
  return leaves;
}

type Seg = string | number;
export interface Leaf { path: Seg[]; value: unknown }

export function leavesOf(value: unknown, path: Seg[] = []): Leaf[] {
  if (value !== null && typeof value === 'object') {
    const entries: Array<[Seg, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    if (entries.length > 0) return entries.flatMap(([k, v]) => leavesOf(v, [...path, k]));
  }
  return [{ path, value }];
}

// ---- What the API serves -------------------------------------------------------------------------

export interface Served {
  roadmap: any;
  roadmapProvenance: any;
  governance: any;
  dataQuality: any;
  /** `${sheetId}@V3|V4` → the sheet as in that version (undefined: 404). */
  sheets: Map<string, any>;
  sheetProvenance: Map<string, any>;
  /** `${sheetId}/${indicatorId}` → the series. */
  series: Map<string, any>;
}

const sheetIdsOf = (seed: SeedData) => {
  const v3 = (seed['sheets-v3'] as any[]).map((s) => s.sheetId as string);
  const v4 = (seed['sheets-v4'] as any[]).map((s) => s.sheetId as string);
  const infra = (seed.infrastructure as any).sheetId as string;
  return { v3, v4, all: [...new Set([...v3, ...v4, infra, ...(seed['v3-figures'] as any[]).map((i) => i.sheetId as string)])] };
};

/** Reads, as an admin, every answer the seed's facts are served in. */
export async function fetchServed(call: RunningApp['call'], seed: SeedData): Promise<Served> {
  const get = async (path: string) => {
    const res = await call('GET', path);
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return res.body;
  };
  const served: Served = {
    roadmap: await get(`/api/roadmaps/${ROADMAP}`),
    roadmapProvenance: await get(`/api/roadmaps/${ROADMAP}/provenance`),
    governance: await get(`/api/roadmaps/${ROADMAP}/governance`),
    dataQuality: await get(`/api/roadmaps/${ROADMAP}/data-quality`),
    sheets: new Map(), sheetProvenance: new Map(), series: new Map(),
  };
  const indicators = new Set<string>();
  const collect = (sheetId: string, list: any[] | undefined) => { for (const i of list ?? []) indicators.add(`${sheetId}/${i.indicatorId}`); };
  for (const s of seed['sheets-v4'] as any[]) collect(s.sheetId, s.indicators);
  collect((seed.infrastructure as any).sheetId, (seed.infrastructure as any).indicators);
  for (const i of seed['v3-figures'] as any[]) collect(i.sheetId, [i]);
  await Promise.all(sheetIdsOf(seed).all.map(async (id) => {
    served.sheets.set(`${id}@V3`, await get(`/api/sheets/${id}?version=V3`));
    served.sheets.set(`${id}@V4`, await get(`/api/sheets/${id}?version=V4`));
    served.sheetProvenance.set(id, await get(`/api/sheets/${id}/provenance`));
  }));
  await Promise.all([...indicators].map(async (key) => {
    const [sheetId, indicatorId] = key.split('/');
    served.series.set(key, await get(`/api/sheets/${sheetId}/indicators/${indicatorId}/series`));
  }));
  return served;
}

// ---- Locating a leaf in the API ------------------------------------------------------------------

/** Found (compare the served value), not found (`missing`: passes only for a null in the seed), or excluded. */
type Located = { served: unknown } | { missing: string } | { excluded: string };
const found = (served: unknown): Located => ({ served });
const missing = (why: string): Located => ({ missing: why });
const excluded = (why: string): Located => ({ excluded: why });
const field = (holder: any, key: string, what: string): Located => (holder == null ? missing(`no ${what}`) : found(holder[key]));

interface Ctx { file: SeedFile; path: Seg[]; value: unknown; seed: SeedData; served: Served; at: (depth: number) => any }
interface Rule { pattern: RegExp; locate: (c: Ctx) => Located }

/**
 * A report is known by its scope, the day it was observed and how that date is printed (a figure
 * printed "fin 2022" in one passage and "au 31/12/2022" in another is two statements: seed README,
 * judgement call 54), a target by its scope and its label.
 */
const scopeKey = (x: any) => `${x.territory ?? null}|${x.zone ?? null}`;
const reportKey = (r: any) => `${scopeKey(r)}|${r.observedOn}|${r.observed}`;
const targetKey = (t: any) => `${scopeKey(t)}|${t.label ?? null}`;

/** All seed reports and targets of one indicator of one sheet, whichever file gives them. */
function seededOf(seed: SeedData, sheetId: string, indicatorId: string): { reports: any[]; targets: any[] } {
  const lists: any[] = [];
  for (const s of seed['sheets-v4'] as any[]) if (s.sheetId === sheetId) lists.push(...s.indicators.filter((i: any) => i.indicatorId === indicatorId));
  const infra = seed.infrastructure as any;
  if (infra.sheetId === sheetId) lists.push(...infra.indicators.filter((i: any) => i.indicatorId === indicatorId));
  lists.push(...(seed['v3-figures'] as any[]).filter((i) => i.sheetId === sheetId && i.indicatorId === indicatorId));
  return { reports: lists.flatMap((i) => i.reports ?? []), targets: lists.flatMap((i) => i.targets ?? []) };
}

/**
 * The served item matched to a seed item: same key, and the same rank among the seed items of that
 * key. Two files that give the same figure (same key, same value) give one fact, served once.
 */
const distinctValues = (seedItems: any[], k: string, key: (x: any) => string) => [...new Set(seedItems.filter((x) => key(x) === k).map((x) => x.value))];
function matchByKey(items: any[] | undefined, seedItems: any[], item: any, key: (x: any) => string): any {
  const k = key(item);
  return (items ?? []).filter((x) => key(x) === k)[distinctValues(seedItems, k, key).indexOf(item.value)];
}

/** Served items no seed item accounts for: what an empty seed list must find (nothing invented). */
function unaccounted(items: any[] | undefined, seedItems: any[], key: (x: any) => string): any[] {
  const left = [...(items ?? [])];
  for (const k of new Set(seedItems.map(key))) {
    for (let n = distinctValues(seedItems, k, key).length; n > 0; n--) {
      const i = left.findIndex((x) => key(x) === k);
      if (i >= 0) left.splice(i, 1);
    }
  }
  return left;
}

/** An indicator's view: the sheet as in `version`, its indicator, its series and what the seed gives of it. */
function indicatorAt(c: Ctx, sheetId: string, version: 'V3' | 'V4', indicatorDepth: number) {
  const indicator = c.at(indicatorDepth);
  const view = c.served.sheets.get(`${sheetId}@${version}`);
  return {
    indicator,
    served: view?.indicators?.find((i: any) => i.indicatorId === indicator.indicatorId),
    series: c.served.series.get(`${sheetId}/${indicator.indicatorId}`),
    seeded: seededOf(c.seed, sheetId, indicator.indicatorId),
  };
}

/** The rules for an indicator record (its fields, targets, reports) at `depth` of the path. */
function indicatorRules(prefix: string, sheetOf: (c: Ctx) => string, version: 'V3' | 'V4', depth: number): Rule[] {
  const on = (c: Ctx) => indicatorAt(c, sheetOf(c), version, depth);
  const rest = (c: Ctx) => c.path.slice(depth);
  return [
    { pattern: new RegExp(`^${prefix}\\.(indicatorId|name|unit)$`), locate: (c) => field(on(c).served, String(rest(c)[0]), `indicator ${on(c).indicator.indicatorId} on ${sheetOf(c)} ${version}`) },
    { pattern: new RegExp(`^${prefix}\\.targets$`), locate: (c) => { const i = on(c); return i.served ? found(unaccounted(i.served.targets, i.seeded.targets, targetKey)) : missing('no indicator'); } },
    { pattern: new RegExp(`^${prefix}\\.reports$`), locate: (c) => { const i = on(c); return i.series ? found(unaccounted(i.series.points, i.seeded.reports, reportKey)) : missing('no series'); } },
    {
      pattern: new RegExp(`^${prefix}\\.targets\\[\\]\\.(value|by|due|horizon|label|territory|zone|qualifier)$`),
      locate: (c) => { const i = on(c); const t = matchByKey(i.served?.targets, i.seeded.targets, c.at(depth + 2), targetKey); return field(t, String(rest(c)[2]), `target ${targetKey(c.at(depth + 2))}`); },
    },
    {
      pattern: new RegExp(`^${prefix}\\.reports\\[\\]\\.(value|observed|observedOn|territory|zone|qualifier)$`),
      locate: (c) => { const i = on(c); const p = matchByKey(i.series?.points, i.seeded.reports, c.at(depth + 2), reportKey); return field(p, String(rest(c)[2]), `point ${reportKey(c.at(depth + 2))}`); },
    },
    {
      // A target is recorded with its indicator (or the sheet that brings it); a report by its own event.
      pattern: new RegExp(`^${prefix}\\.targets\\[\\]\\.provenance\\.(section|quote)$`),
      locate: (c) => quoted(c, sheetProvenance(c, sheetOf(c), (f) => f.subject.indicatorId === on(c).indicator.indicatorId || BRINGS_A_SHEET.has(f.type))),
    },
    {
      pattern: new RegExp(`^${prefix}\\.reports\\[\\]\\.provenance\\.(section|quote)$`),
      locate: (c) => {
        const i = on(c);
        const point = matchByKey(i.series?.points, i.seeded.reports, c.at(depth + 2), reportKey);
        return point ? quoted(c, sheetProvenance(c, sheetOf(c), (f) => f.subject.reportId === point.reportId)) : missing(`no point ${reportKey(c.at(depth + 2))}`);
      },
    },
  ];
}

/** The quotes of the events about a fact, in a stream's provenance answer. */
type About = (fact: { type: string; subject: Record<string, string> }) => boolean;
const quotesOf = (answer: any, about: About): any[] => (answer?.facts ?? []).filter(about).flatMap((f: any) => f.provenance ?? []);
const sheetProvenance = (c: Ctx, sheetId: string, about: About): any[] => quotesOf(c.served.sheetProvenance.get(sheetId), about);
const roadmapProvenance = (c: Ctx, about: About): any[] => quotesOf(c.served.roadmapProvenance, about);
/** The events that write a sheet's fields, targets and milestones in a version. */
const BRINGS_A_SHEET = new Set(['SheetCreated', 'SheetCarriedOver']);
const bringsSheetIn = (version: string): About => (f) => BRINGS_A_SHEET.has(f.type) && (f.subject.version ?? f.subject.toVersion) === version;

/** A `section` or `quote` leaf: the served entry with the same quote and section. */
function quoted(c: Ctx, entries: any[]): Located {
  const holder = c.at(c.path.length - 1);
  const entry = entries.find((p) => p.quote === holder.quote && p.section === holder.section);
  return entry ? found(entry[c.path[c.path.length - 1] as string]) : missing(`no provenance « ${String(holder.quote).slice(0, 60)} »`);
}

const LINK_ONLY = 'an id that links seed records; the record it names is compared through its own leaves';

/** V3 outcomes as the seed names them, against the reason a retired sheet is served with. */
const OUTCOME_OF_REASON: Record<string, string> = { insufficient_partners: 'abandoned', completed: 'completed', not_renewed: 'not_renewed', completed_or_not_renewed: 'completed_or_not_renewed', unstated: 'unstated' };

/** Annexe 2's mobile table: which indicator each column is the figure of. */
const DCC_COLUMN_INDICATOR: Record<string, string> = { 'sites-mis-en-service': 'pylones-new-deal', 'sites-pour-couvrir-zones-arretees': 'sites-dcc-arbitres' };
/** Annexe 2's fibre table: a column's measure is a report (built) or a target (planned) of an indicator. */
const FTTH_MEASURE: Record<string, { indicatorId: string; as: 'report' | 'target' }> = {
  built: { indicatorId: 'prises-ftth-construites', as: 'report' },
  'share-built': { indicatorId: 'part-logements-raccordables', as: 'report' },
  planned: { indicatorId: 'prises-ftth-construites', as: 'target' },
  'share-planned': { indicatorId: 'part-logements-raccordables', as: 'target' },
};

const RULES: Record<SeedFile, Rule[]> = {
  roadmap: [
    { pattern: /^\.(roadmapId|title)$/, locate: (c) => field(c.served.roadmap, String(c.path[0]), 'roadmap') },
    { pattern: /^\.region\.(code|name)$/, locate: (c) => field(c.served.roadmap?.region, String(c.path[1]), 'region') },
    { pattern: /^(\.enjeux\[\]|\.organisations\[\])?\.provenance\.(section|quote)$/, locate: (c) => quoted(c, roadmapProvenance(c, (f) => f.type === 'RoadmapCreated')) },
    { pattern: /^\.versions\[\](\.sheetCount)?\.provenance\.(section|quote)$/, locate: (c) => quoted(c, roadmapProvenance(c, (f) => f.subject.version === c.at(2).version)) },
    { pattern: /^\.versions\[\]\.sheetCount\.(value|qualifier)$/, locate: (c) => field(c.served.roadmap?.versions?.find((x: any) => x.version === c.at(2).version)?.sheetCount, String(c.path[3]), `sheet count of ${c.at(2).version}`) },
    { pattern: /^\.versions\[\]\.sheetCount\.printed$/, locate: () => excluded('the words ("une trentaine") the sheet count\'s value and qualifier are read from; they are compared, and printed back as "environ 30"') },
    { pattern: /^\.enjeux\[\]\.(enjeuId|number|title)$/, locate: (c) => field(c.served.roadmap?.enjeux?.find((e: any) => e.enjeuId === c.at(2).enjeuId), String(c.path[2]), `enjeu ${c.at(2).enjeuId}`) },
    { pattern: /^\.organisations\[\]\.(organisationId|name)$/, locate: (c) => field(c.served.roadmap?.organisations?.find((o: any) => o.organisationId === c.at(2).organisationId), String(c.path[2]), `organisation ${c.at(2).organisationId}`) },
    {
      pattern: /^\.versions\[\]\.\w+$/,
      locate: (c) => {
        const v = c.served.roadmap?.versions?.find((x: any) => x.version === c.at(2).version);
        if (!v) return missing(`version ${c.at(2).version}`);
        const key = String(c.path[2]);
        // The seed gives the adoption's last day and its precision; the API the date as printed ("2019-03").
        if (key === 'adoptedOn') return found(v.adoptedOn === null ? null : parseDated(v.adoptedOn).end);
        if (key === 'adoptedOnPrecision') return found(v.adoptedOn === null ? null : precisionOf(parseDated(v.adoptedOn)));
        // A version's year is the year of the date it is known by: its adoption, or its drafting.
        if (key === 'year') { const d = v.adoptedOn ?? v.draftedOn; return found(d === null ? null : Number(d.slice(0, 4))); }
        return found(v[key]);
      },
    },
  ],
  'sheets-v3': [
    { pattern: /^\[\]\.provenance\.(section|quote)$/, locate: (c) => quoted(c, sheetProvenance(c, c.at(1).sheetId, bringsSheetIn('V3'))) },
    { pattern: /^\[\]\.(sheetId|number|title|enjeu|kind)$/, locate: (c) => field(c.served.sheets.get(`${c.at(1).sheetId}@V3`), String(c.path[1]), `V3 sheet ${c.at(1).sheetId}`) },
    {
      pattern: /^\[\]\.(outcome|reasonCode|explanation|continuedBy)$/,
      locate: (c) => {
        const s = c.at(1);
        const o = c.served.sheets.get(`${s.sheetId}@V3`)?.versionOutcome;
        if (!o) return missing(`V3 outcome of ${s.sheetId}`);
        switch (c.path[1]) {
          case 'outcome': return found(o.outcome === 'retired' ? OUTCOME_OF_REASON[o.reason] ?? `retired:${o.reason}` : o.outcome);
          case 'reasonCode': return s.reasonCode === null ? excluded('no reason code of its own: the reason served is its outcome\'s, compared with `outcome`') : found(o.reason);
          case 'explanation': return found(o.explanation);
          // Continued by a sheet of the next version: the same sheet carried over, or the one it merged into.
          default: return found(o.nextVersion ? (o.mergedInto ?? s.sheetId) : (o.mergedInto ?? null));
        }
      },
    },
  ],
  'sheets-v4': [
    { pattern: /^\[\](\.milestones\[\])?\.provenance\.(section|quote)$/, locate: (c) => quoted(c, sheetProvenance(c, c.at(1).sheetId, bringsSheetIn('V4'))) },
    { pattern: /^\[\]\.milestones\[\]\.reached\.provenance\.(section|quote)$/, locate: (c) => quoted(c, sheetProvenance(c, c.at(1).sheetId, (f) => f.type === 'MilestoneReached' && f.subject.milestoneId === c.at(3).milestoneId)) },
    { pattern: /^\[\]\.(sheetId|number|kind|enjeu|title|objective|theme|context|objectives)$/, locate: (c) => field(c.served.sheets.get(`${c.at(1).sheetId}@V4`), String(c.path[1]), `V4 sheet ${c.at(1).sheetId}`) },
    { pattern: /^\[\]\.(pilots|partners)\[\]$/, locate: (c) => { const v = c.served.sheets.get(`${c.at(1).sheetId}@V4`); return v ? found(v[c.path[1] as string]?.[c.path[2] as number]) : missing('no V4 sheet'); } },
    {
      pattern: /^\[\]\.continues\[\]$/,
      locate: (c) => {
        const s = c.at(1);
        const v = c.served.sheets.get(`${s.sheetId}@V4`);
        if (!v) return missing('no V4 sheet');
        // A sheet continuing itself is the same sheet carried over: its versions say so, not `continues`.
        if (c.value === s.sheetId) return found(v.versions?.some((x: any) => x.version === 'V3') ? s.sheetId : null);
        return found(v.continues?.includes(c.value) ? c.value : null);
      },
    },
    { pattern: /^\[\]\.indicators$/, locate: (c) => { const v = c.served.sheets.get(`${c.at(1).sheetId}@V4`); return v ? found(v.indicators) : missing('no V4 sheet'); } },
    ...indicatorRules('\\[\\]\\.indicators\\[\\]', (c) => c.at(1).sheetId, 'V4', 3),
    {
      pattern: /^\[\]\.milestones\[\]\.(milestoneId|title|due|uncertain|horizon\.(duration|from|printed)|reached\.(reached|statedOn|reachedOn|precision))$/,
      locate: (c) => {
        const m = c.served.sheets.get(`${c.at(1).sheetId}@V4`)?.milestones?.find((x: any) => x.milestoneId === c.at(3).milestoneId);
        if (!m) return missing(`milestone ${c.at(3).milestoneId}`);
        const key = String(c.path[c.path.length - 1]);
        // The seed's `precision` and `reachedOn` are those of the date as printed; the API's `reachedOn`
        // is also bounded by the day it was stated on, so the printed date is what they are compared with.
        if (key === 'precision') return found(m.reached === null ? null : precisionOf(parseDated(m.reached)));
        if (key === 'reachedOn') return found(m.reached === null ? null : parseDated(m.reached).end);
        if (c.path[3] === 'horizon') return found(m.horizon?.[key]);
        return found(m[key]);
      },
    },
  ],
  infrastructure: [
    { pattern: /^\.sheetId$/, locate: (c) => field(c.served.sheets.get(`${c.value}@V4`), 'sheetId', 'infrastructure sheet') },
    ...indicatorRules('\\.indicators\\[\\]', (c) => (c.seed.infrastructure as any).sheetId, 'V4', 2),
    { pattern: /^\.tables\[\]\.(tableId|title|source)$/, locate: () => excluded('the heading of a table of Annexe 2: the API serves its cells, as the indicators\' reports and targets, not the table') },
    { pattern: /^\.tables\[\]\.provenance\.(section|quote)$/, locate: () => excluded('the quote of a table\'s heading: each cell\'s own quote is compared through the report or target it is') },
    { pattern: /^\.tables\[\]\.columns\[\]\.\w+$/, locate: () => excluded('a column heading of Annexe 2: its zone, measure and date are what each cell is found by, so each cell compares them') },
    { pattern: /^\.tables\[\]\.rows\[\]\.(territory|name|kind)$/, locate: () => excluded('a row heading of Annexe 2: its territory is what each cell is found by, so each cell compares it') },
    {
      pattern: /^\.tables\[\]\.rows\[\]\.values\.[\w-]+$/,
      locate: (c) => {
        const sheetId = (c.seed.infrastructure as any).sheetId;
        const table = c.at(2);
        const row = c.at(4);
        const column = table.columns.find((x: any) => x.columnId === c.path[5]);
        const zone = !column.zone || column.zone === 'total' ? null : column.zone;
        const measure = column.measure ? FTTH_MEASURE[column.measure] : { indicatorId: DCC_COLUMN_INDICATOR[column.columnId]!, as: 'report' as const };
        if (!measure) return missing(`no indicator for column ${column.columnId}`);
        const scope = (x: any) => (x.territory ?? null) === row.territory && (x.zone ?? null) === zone;
        if (measure.as === 'report') {
          const points = c.served.series.get(`${sheetId}/${measure.indicatorId}`)?.points ?? [];
          const p = points.find((x: any) => scope(x) && x.observedOn === column.date);
          return p ? found(p.value) : missing(`no point of ${measure.indicatorId} for ${row.territory}/${zone} on ${column.date}`);
        }
        const targets = c.served.sheets.get(`${sheetId}@V4`)?.indicators?.find((i: any) => i.indicatorId === measure.indicatorId)?.targets ?? [];
        const t = targets.find((x: any) => scope(x) && x.due === column.period);
        return t ? found(t.value) : missing(`no target of ${measure.indicatorId} for ${row.territory}/${zone} due ${column.period}`);
      },
    },
  ],
  'v3-figures': [
    { pattern: /^\[\]\.sheetId$/, locate: (c) => field(c.served.sheets.get(`${c.value}@V3`), 'sheetId', `V3 sheet ${c.value}`) },
    ...indicatorRules('\\[\\]', (c) => c.at(1).sheetId, 'V3', 1),
  ],
  governance: [
    { pattern: /^\.roadmapId$/, locate: (c) => field(c.served.governance, 'roadmapId', 'governance') },
    { pattern: /^\.version$/, locate: (c) => found(c.served.governance?.governance?.[c.value as string] ? c.value : undefined) },
    {
      pattern: /^\.(facts|v3)\[\]\..+$/,
      locate: (c) => {
        const version = c.path[0] === 'v3' ? 'V3' : (c.seed.governance as any).version;
        const fact = c.at(2);
        const s = c.served.governance?.governance?.[version]?.find((f: any) => f.factId === fact.factId);
        if (!s) return missing(`governance fact ${fact.factId} of ${version}`);
        const [key, ...rest] = c.path.slice(2) as [string, ...Seg[]];
        if (key === 'provenance') return quoted(c, s.provenance ?? []);
        if (key === 'factId' || key === 'kind' || key === 'statement') return found(s[key]);
        // The other parts (body, chairs, cadence, words…) are the fact's details.
        return found(rest.reduce((x: any, k) => x?.[k], s.details?.[key]));
      },
    },
  ],
  discrepancies: [
    {
      pattern: /^\[\]\..+$/,
      locate: (c) => {
        const d = c.at(1);
        const f = c.served.dataQuality?.findings?.find((x: any) => x.findingId === d.id);
        if (!f) return missing(`finding ${d.id}`);
        const [key, ...rest] = c.path.slice(1) as [string, ...Seg[]];
        const walk = (from: unknown, segs: Seg[]) => segs.reduce((x: any, k) => x?.[k], from);
        switch (key) {
          case 'id': return found(f.findingId);
          case 'description': return found(f.description);
          case 'check': return excluded('which table cell the seed\'s own consistency check recomputes; the finding names what it refers to in `refersTo`');
          case 'provenance': case 'refersTo': return found(walk(f[key], rest));
          case 'compared': return found(walk(f.figures, rest));
          case 'figures': {
            // Without a comparison, each figure is served under its label as printed.
            if (!d.compared) { const figure = f.figures.find((x: any) => x.label === rest[0]); return figure ? found(walk(figure.printed, rest.slice(1))) : missing(`figure ${String(rest[0])}`); }
            // With one, they are the figures the comparison is worked out from.
            return found(walk(f.workedFigures, rest));
          }
          default: return missing(`no rule for ${key}`);
        }
      },
    },
  ],
};

// ---- Comparing -----------------------------------------------------------------------------------

/** A leaf's name: ids instead of indices where the record has one, so that a name survives a reordering. */
const ID_KEYS = ['sheetId', 'indicatorId', 'milestoneId', 'factId', 'id', 'organisationId', 'enjeuId', 'version', 'tableId', 'columnId'];
function nameOf(root: unknown, path: Seg[]): string {
  let node: any = root;
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') {
      const item = node?.[seg];
      // A V3 figure names its sheet and its indicator.
      const id = item?.sheetId && item?.indicatorId ? `${item.sheetId}/${item.indicatorId}` : ID_KEYS.map((k) => item?.[k]).find((v) => typeof v === 'string');
      out += `[${id ?? seg}]`;
    } else out += `.${seg}`;
    node = node?.[seg];
  }
  return out;
}
const patternOf = (path: Seg[]) => path.map((s) => (typeof s === 'number' ? '[]' : `.${s}`)).join('');

export interface Mismatch { fact: string; seed: unknown; served: unknown; why?: string }
export interface FileResult { walked: number; compared: number; excluded: Map<string, number>; mismatches: Mismatch[]; unmapped: string[] }

/**
 * A null in the seed is matched by a null or an absence, an empty list or object by nothing (absent or
 * empty: nothing invented in its place); anything else must be served exactly.
 */
const isEmpty = (v: unknown) => v !== null && typeof v === 'object' && Object.keys(v).length === 0;
const same = (seed: unknown, served: unknown) => {
  if (seed === null) return served === null || served === undefined;
  if (isEmpty(seed)) return served === undefined || isEmpty(served);
  return JSON.stringify(seed) === JSON.stringify(served);
};

export function compareSeed(seed: SeedData, served: Served): Record<SeedFile, FileResult> {
  const out = {} as Record<SeedFile, FileResult>;
  for (const file of SEED_FILES) {
    const root = seed[file];
    const result: FileResult = { walked: 0, compared: 0, excluded: new Map(), mismatches: [], unmapped: [] };
    for (const leaf of leavesOf(root)) {
      result.walked++;
      const pattern = patternOf(leaf.path);
      const fact = `${file}:${nameOf(root, leaf.path)}`;
      const rule = RULES[file].find((r) => r.pattern.test(pattern));
      if (!rule) { result.unmapped.push(`${fact} (${pattern})`); continue; }
      const at = (depth: number) => leaf.path.slice(0, depth).reduce((x: any, k) => x?.[k], root);
      let located: Located;
      try { located = rule.locate({ file, path: leaf.path, value: leaf.value, seed, served, at }); }
      catch (error) { located = missing(`locating failed: ${(error as Error).message}`); }
      if ('excluded' in located) { result.excluded.set(located.excluded, (result.excluded.get(located.excluded) ?? 0) + 1); continue; }
      result.compared++;
      const value = 'served' in located ? located.served : undefined;
      if (!same(leaf.value, value)) result.mismatches.push({ fact, seed: leaf.value, served: value, ...('missing' in located ? { why: located.missing } : {}) });
    }
    out[file] = result;
  }
  return out;
}

/**
 * The served targets and points of every seeded indicator that no seed record accounts for: a
 * tracker that says no more than its source has none.
 */
export function inventedFacts(seed: SeedData, served: Served): string[] {
  const out: string[] = [];
  for (const [key, series] of served.series) {
    const [sheetId, indicatorId] = key.split('/') as [string, string];
    const seeded = seededOf(seed, sheetId, indicatorId);
    for (const p of unaccounted(series?.points, seeded.reports, reportKey)) out.push(`${key} point ${reportKey(p)} = ${p.value}`);
    const targets = [...new Map(['V3', 'V4'].flatMap((v) => (served.sheets.get(`${sheetId}@${v}`)?.indicators ?? []).filter((i: any) => i.indicatorId === indicatorId).flatMap((i: any) => i.targets)).map((t: any) => [JSON.stringify(t), t])).values()];
    for (const t of unaccounted(targets, seeded.targets, targetKey)) out.push(`${key} target ${targetKey(t)} = ${t.value}`);
  }
  return out;
}
