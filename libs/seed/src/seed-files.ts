import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type formatsModule from 'ajv-formats';
import type { FigureValue, FindingFigure, FindingTarget, Qualifier, Zone } from '#domain';

const requireHere = createRequire(import.meta.url);

/** ajv and its formats, required when seed files are read: ~50 ms of every start otherwise, for a first start only. */
function schemaValidator(): Ajv2020 {
  const { Ajv2020: Validator } = requireHere('ajv/dist/2020.js') as { Ajv2020: new (options: object) => Ajv2020 };
  const formats = requireHere('ajv-formats') as typeof formatsModule;
  // ajv-formats is CommonJS: its exports are the function, with the same function as `default`.
  const addFormats = ((formats as unknown as { default?: unknown }).default ?? formats) as unknown as (ajv: Ajv2020) => Ajv2020;
  return addFormats(new Validator({ allErrors: true, strict: false }));
}

export interface Provenance { section: string; quote: string }
/** `due` is the date as printed (null: none given), `by` its last day; `horizon` the relative words it was read from. */
export interface SeedTarget { value: number; by: string | null; due: string | null; horizon?: string | null; label?: string | null; territory?: string | null; zone?: Zone; qualifier?: Qualifier; provenance: Provenance }
/** `observed` is the date as printed, `observedOn` its last day. */
export interface SeedReport { value: number; observedOn: string; observed: string; territory: string | null; zone?: Zone; qualifier?: Qualifier; provenance: Provenance }
export interface SeedIndicator { indicatorId: string; name: string; unit: 'count' | 'percent' | 'amount' | 'ratio' | 'number'; targets?: SeedTarget[]; reports?: SeedReport[]; sheetId?: string }
export interface SeedMilestone {
  milestoneId: string; title: string; due: string | null; provenance?: Provenance;
  /** The document doubts the date ("au quatrième trimestre ?"). */
  uncertain?: true;
  /** "Objectifs à 3 ans": relative to the V4 adoption, with no day (`due` is null). */
  horizon?: { duration: string; from: string; printed: string };
  /** `reached` as printed, `statedOn` the document's day, `reachedOn` the last day `reached` can mean. */
  reached?: { reached: string; statedOn: string | null; reachedOn: string; provenance?: Provenance };
}
export interface SeedSheetV4 {
  sheetId: string; number: string; kind: 'animation' | 'projet'; enjeu: 'transversal' | 'inclusion' | 'performance' | 'avenir'; title: string; objective: string | null;
  theme: string | null; context: string | null; objectives: string | null; pilots: string[]; partners: string[]; indicators: SeedIndicator[];
  milestones: SeedMilestone[]; continues?: string[]; provenance: Provenance;
}
export interface SeedSheetV3 {
  sheetId: string; number: string | null; title: string; enjeu: SeedSheetV4['enjeu'] | null; kind: SeedSheetV4['kind'] | null;
  outcome: 'completed' | 'not_renewed' | 'completed_or_not_renewed' | 'unstated' | 'abandoned' | 'carried_over'; reasonCode: string | null; explanation: string; continuedBy: string | null; provenance: Provenance;
}
export interface SeedRoadmap {
  roadmapId: string; title: string; region: { code: string; name: string }; provenance: Provenance;
  enjeux: Array<{ enjeuId: SeedSheetV4['enjeu']; number: number; title: string; provenance: Provenance }>;
  versions: Array<{
    version: string; year: number; draftedOn: string | null; adoptedOn: string | null; adoptedOnPrecision: 'day' | 'month' | 'year' | null; adoptedBy: string | null;
    supersededBy: string | null; facts: string; provenance: Provenance;
    /** How many sheets the document says the version had, as printed ("une trentaine"). */
    sheetCount?: { value: number; qualifier: Qualifier; printed: string; provenance: Provenance };
  }>;
  organisations: Array<{ organisationId: string; name: string; provenance?: Provenance }>;
}
export interface SeedSet {
  roadmap: SeedRoadmap;
  sheetsV4: SeedSheetV4[];
  sheetsV3: SeedSheetV3[];
  infrastructure: { sheetId: string; indicators: SeedIndicator[]; tables: unknown[] };
  v3Figures: Array<SeedIndicator & { sheetId: string }>;
  discrepancies: SeedDiscrepancy[];
  governance: SeedGovernance;
}

export interface SeedDiscrepancy {
  id: string;
  description: string;
  figures: Record<string, FigureValue>;
  /** The printed figure against the one the document's own numbers give, where there is one. */
  compared?: FindingFigure[];
  refersTo: FindingTarget[];
  provenance: Provenance[];
}
/** A governance fact: its id, kind, sentence, words and provenance; every other key is a structured part (body, chairs, cadence…). */
export type SeedGovernanceFact = { factId: string; kind: string; statement: string; words: string[]; provenance: Provenance } & Record<string, FigureValue>;
export interface SeedGovernance { roadmapId: string; version: string; facts: SeedGovernanceFact[]; v3: SeedGovernanceFact[] }

/** The repository root, found from this file whether it runs from sources or from dist/. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'seeds')) || !existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the seeds/ folder above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const DEFAULT_SEED_DIR = join(repositoryRoot(), 'seeds', 'scoran-centre-val-de-loire');

const FILES = {
  roadmap: 'roadmap',
  sheetsV4: 'sheets-v4',
  sheetsV3: 'sheets-v3',
  infrastructure: 'infrastructure',
  v3Figures: 'v3-figures',
  discrepancies: 'discrepancies',
  governance: 'governance',
} as const;

export class SeedValidationError extends Error {
  constructor(readonly file: string, readonly problems: string[]) {
    super(`seed file ${file} does not match its schema:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads the seed files and checks each against its JSON Schema before anything is written. */
export function loadSeed(dir = DEFAULT_SEED_DIR): SeedSet {
  const ajv = schemaValidator();
  const schemaDir = join(dir, 'schema');
  for (const file of readdirSync(schemaDir).filter((f) => f.endsWith('.schema.json')).sort((a) => (a.startsWith('common') ? -1 : 1))) {
    const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
    if (!ajv.getSchema(schema.$id ?? file)) ajv.addSchema(schema, schema.$id ? undefined : file);
  }
  const out: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(FILES)) {
    const data = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    const schema = JSON.parse(readFileSync(join(schemaDir, `${name}.schema.json`), 'utf8'));
    const validate = ajv.getSchema(schema.$id ?? `${name}.schema.json`) ?? ajv.compile(schema);
    if (!validate(data)) throw new SeedValidationError(`${name}.json`, (validate.errors ?? []).slice(0, 20).map((e) => `${e.instancePath || '/'} ${e.message}`));
    out[key] = data;
  }
  return out as unknown as SeedSet;
}
