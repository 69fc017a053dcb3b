import { RoadmapCommands, type CommandMetadata, type SheetCommandInput } from '#application';
import { compareVersionLabels, DomainError, roadmapDecider, roadmapStream, sameMilestoneDue, sheetDecider, sheetStream, targetKey, type IndicatorInput, type MilestoneDefinition, type RetireReason, type SheetState, type TargetInput } from '#domain';
import { deterministicId } from '#event-store';
import { loadSeed, type Provenance, type SeedDiscrepancy, type SeedGovernanceFact, type SeedIndicator, type SeedMilestone, type SeedSet, type SeedTarget } from './seed-files.js';

export const SEED_ACTOR = 'secretariat';

export interface SeedResult {
  commands: number;
  written: number;
  skipped: number;
}

/**
 * Refusals that mean "an earlier run, or another node seeding at the same time, already wrote this":
 * a sheet is closed (retired) only after everything the seed writes on it, so a write refused on a
 * closed sheet was written before it closed.
 */
const ALREADY_DONE = new Set(['finding_exists', 'governance_fact_exists', 'roadmap_exists', 'version_exists', 'version_already_adopted', 'version_already_superseded', 'sheet_exists', 'report_exists', 'milestone_already_reached', 'already_in_version', 'indicator_exists', 'sheet_closed', 'target_exists']);

/** A report id that is the same on every run, so that a second import recognises what it wrote. */
const reportIdOf = (...parts: unknown[]) => deterministicId('seed', ...parts);

/** The adoption date as precise as printed ("en mars 2019" is a month). */
const adoptionLabel = (v: SeedSet['roadmap']['versions'][number] & { adoptedOn: string }): string => {
  if (v.adoptedOnPrecision === 'month') return v.adoptedOn.slice(0, 7);
  if (v.adoptedOnPrecision === 'year') return v.adoptedOn.slice(0, 4);
  return v.adoptedOn;
};

/** A target as printed: its due date (or none), the words it was read from, its territory and zone, its qualifier. */
const toTarget = (t: SeedTarget): TargetInput => ({
  value: t.value, due: t.due, horizon: t.horizon ?? null, territory: t.territory ?? null, zone: t.zone ?? null, qualifier: t.qualifier ?? 'exact', label: t.label ?? null,
});

/**
 * The quotes an event that writes several printed facts at once (a roadmap with its enjeux and
 * organisations, a sheet with its targets and milestones) is recorded from: every one of them, once.
 */
const sourcesOf = (...quotes: Array<Provenance | undefined>): Provenance[] => {
  const byKey = new Map<string, Provenance>();
  for (const p of quotes) if (p && !byKey.has(`${p.section}\u0000${p.quote}`)) byKey.set(`${p.section}\u0000${p.quote}`, p);
  return [...byKey.values()];
};
const sheetSources = (s: SeedSet['sheetsV4'][number], indicators: SeedIndicator[]): Provenance[] =>
  sourcesOf(s.provenance, ...indicators.flatMap((i) => (i.targets ?? []).map((t) => t.provenance)), ...s.milestones.map((m) => m.provenance));
/** A milestone as printed: its due date, the doubt the document casts on it, or its relative horizon. */
const toMilestone = (m: SeedMilestone): MilestoneDefinition => ({
  milestoneId: m.milestoneId, title: m.title, due: m.due, ...(m.uncertain ? { uncertain: true } : {}), ...(m.horizon ? { horizon: { ...m.horizon } } : {}),
});

const toDefinition = (i: SeedIndicator): IndicatorInput => ({
  indicatorId: i.indicatorId, name: i.name, unit: i.unit, targets: (i.targets ?? []).map(toTarget),
});

/**
 * Turns the seed files into commands that go through the same deciders as users' commands. Every
 * command is decided against the current state; what was already written by an earlier run is
 * recognised (conflict codes, deterministic report ids) and skipped, so a second run writes nothing.
 *
 * `exclusive`: stop as soon as the roadmap turns out to exist already. Nodes starting together on an
 * empty store all try to create the roadmap, and the store lets exactly one creation through (the
 * stream must not exist yet): that node seeds, the others leave the seed to it. A run that is not
 * exclusive and overlaps another one may repeat a target the other is setting at the same moment.
 */
export async function seedRoadmap(commands: RoadmapCommands, options: { dir?: string; seed?: SeedSet; exclusive?: boolean; onProgress?: (sheetsDone: number, sheets: number) => void } = {}): Promise<SeedResult> {
  const seed = options.seed ?? loadSeed(options.dir);
  const result: SeedResult = { commands: 0, written: 0, skipped: 0 };
  const roadmapId = seed.roadmap.roadmapId;
  const ctx = (provenance?: Provenance | Provenance[]): CommandMetadata => ({ now: new Date(), actor: SEED_ACTOR, source: 'seed', correlationId: `seed-${roadmapId}`, ...(provenance ? { provenance } : {}) });

  const skipped = () => { result.commands++; result.skipped++; };
  const run = async (write: () => Promise<{ eventIds: string[] }>) => {
    result.commands++;
    try {
      const outcome = await write();
      if (outcome.eventIds.length) result.written += outcome.eventIds.length;
      else result.skipped++;
    } catch (error) {
      if (error instanceof DomainError && ALREADY_DONE.has(error.code)) { result.skipped++; return; }
      throw error;
    }
  };
  const onSheet = (sheetId: string, input: SheetCommandInput, provenance?: Provenance | Provenance[]) => run(() => commands.onSheet(sheetId, { ...input, metadata: ctx(provenance) }));
  const sheetState = async (sheetId: string): Promise<SheetState> => (await commands.load(sheetStream(sheetId), sheetDecider)).state;
  const versionsOf = async () => (await commands.load(roadmapStream(roadmapId), roadmapDecider)).state.versions;

  // 1. The roadmap, its enjeux and organisations.
  await run(() => commands.onRoadmap(roadmapId, {
    type: 'CreateRoadmap',
    data: { roadmapId, title: seed.roadmap.title, region: seed.roadmap.region, enjeux: seed.roadmap.enjeux.map((e) => ({ enjeuId: e.enjeuId, number: e.number, title: e.title })), organisations: seed.roadmap.organisations.map((o) => ({ organisationId: o.organisationId, name: o.name })) },
    metadata: ctx(sourcesOf(seed.roadmap.provenance, ...seed.roadmap.enjeux.map((e) => e.provenance), ...seed.roadmap.organisations.map((o) => o.provenance))),
  }));
  if (options.exclusive && result.skipped > 0) return result;

  // 2. Versions before V4, as the document tells them: V1 and V2 drafted ("rédigée en 2010", "conçue en
  // 2014") and replaced by the next one without an adoption it reports; V3 adopted in March 2019. No
  // draft day is given for V3 or V4: it stays unknown.
  const versions = [...seed.roadmap.versions].sort((a, b) => compareVersionLabels(a.version, b.version));
  const draft = async (v: (typeof versions)[number], basedOn: string | null) => {
    if ((await versionsOf()).get(v.version)) return skipped();
    await run(() => commands.onRoadmap(roadmapId, { type: 'DraftVersion', data: { version: v.version, basedOn, draftedOn: v.draftedOn, facts: v.supersededBy ? v.facts : null }, metadata: ctx(v.provenance) }));
  };
  const settle = async (v: (typeof versions)[number]) => {
    const existing = (await versionsOf()).get(v.version);
    // A store seeded before versions could be superseded holds V1 and V2 as adopted: the adoption is
    // withdrawn by a new event (the old one stays in the log), once; a re-run finds them superseded.
    if (existing?.status === 'adopted' && v.supersededBy && !v.adoptedOn) {
      return run(() => commands.onRoadmap(roadmapId, {
        type: 'WithdrawAdoption',
        data: { version: v.version, by: v.supersededBy!, reason: `Les sources ne rapportent pas d'adoption : ${v.provenance.section} — « ${v.provenance.quote} »`.slice(0, 500) },
        metadata: ctx(v.provenance),
      }));
    }
    if (existing && existing.status !== 'draft') return skipped();
    if (v.supersededBy) await run(() => commands.onRoadmap(roadmapId, { type: 'SupersedeVersion', data: { version: v.version, by: v.supersededBy!, on: null }, metadata: ctx(v.provenance) }));
    else if (v.adoptedOn) await run(() => commands.onRoadmap(roadmapId, { type: 'AdoptVersion', data: { version: v.version, adoptedOn: adoptionLabel({ ...v, adoptedOn: v.adoptedOn! }), adoptedBy: v.adoptedBy, facts: v.facts, ...(v.sheetCount ? { sheetCount: { value: v.sheetCount.value, qualifier: v.sheetCount.qualifier } } : {}) }, metadata: ctx(v.sheetCount ? [v.provenance, v.sheetCount.provenance] : v.provenance) }));
  };
  const v4 = versions.find((v) => v.version === 'V4')!;
  let previous: string | null = null;
  for (const v of versions.filter((x) => x.version !== 'V4')) { await draft(v, previous); await settle(v); previous = v.version; }

  // 3. The V3 sheets Annexe 3 names, known only from the assessment: their number, kind, enjeu and
  // pilots stay unknown where it does not give them (the V4 successor's are not the V3 sheet's).
  for (const s of seed.sheetsV3) {
    await onSheet(s.sheetId, {
      type: 'CreateSheet',
      data: {
        sheetId: s.sheetId, roadmapId, version: 'V3', number: s.number, kind: s.kind, enjeu: s.enjeu,
        title: s.title, objective: null, theme: null, context: null, objectives: null, pilots: [], partners: [], indicators: [], milestones: [], historic: true,
      },
    }, s.provenance);
    // A store seeded before numbers could be unknown holds the V3 sheets numbered "0": corrected by a
    // new event, once (the creation stays as written).
    const recorded = (await sheetState(s.sheetId)).versions.find((v) => v.version === 'V3');
    if (s.number === null && recorded && recorded.number !== null) {
      await onSheet(s.sheetId, {
        type: 'CorrectVersionRecord',
        data: { version: 'V3', number: null, reason: `Annexe 3 ne donne pas de numéro aux fiches de la V3 : ${s.provenance.section} — « ${s.provenance.quote} »`.slice(0, 500) },
      }, s.provenance);
    }
  }

  // 4. V3-era figures (before the V3 sheets end).
  await importIndicators(seed.v3Figures, onSheet, sheetState);

  // 5. V4: drafted from V3; sheets carried over or created; ended V3 sheets retired when V4 replaces V3.
  await draft(v4, previous);
  const v3ById = new Map(seed.sheetsV3.map((s) => [s.sheetId, s]));
  let sheetsDone = 0;
  for (const s of seed.sheetsV4) {
    options.onProgress?.(sheetsDone++, seed.sheetsV4.length);
    const fields = { number: s.number, kind: s.kind, enjeu: s.enjeu, title: s.title, objective: s.objective, theme: s.theme, context: s.context, objectives: s.objectives, pilots: s.pilots, partners: s.partners };
    const state = await sheetState(s.sheetId);
    if (state.status !== 'none' && !state.versions.some((v) => v.version === 'V4')) {
      const known = new Set(state.indicators.keys());
      await onSheet(s.sheetId, {
        type: 'CarryOverSheet',
        // Why it continued: Annexe 3's account of the V3 sheet that the V4 one continues.
        data: { toVersion: 'V4', changes: fields, reason: v3ById.get(s.sheetId)?.continuedBy === s.sheetId ? v3ById.get(s.sheetId)!.explanation : null, addedIndicators: s.indicators.filter((i) => !known.has(i.indicatorId)).map(toDefinition), addedMilestones: s.milestones.map(toMilestone) },
      }, sheetSources(s, s.indicators.filter((i) => !known.has(i.indicatorId))));
      for (const i of s.indicators.filter((x) => known.has(x.indicatorId))) await importIndicators([{ ...i, sheetId: s.sheetId, reports: [] }], onSheet, sheetState);
    } else {
      await onSheet(s.sheetId, {
        type: 'CreateSheet',
        data: { sheetId: s.sheetId, roadmapId, version: 'V4', ...fields, indicators: s.indicators.map(toDefinition), milestones: s.milestones.map(toMilestone), continues: (s.continues ?? []).filter((c) => c !== s.sheetId) },
      }, sheetSources(s, s.indicators));
    }
    await importReports(s.sheetId, s.indicators, onSheet, sheetState);
    await correctMilestones(s, onSheet, sheetState);
    for (const m of s.milestones) {
      if (m.reached) {
        await onSheet(s.sheetId, {
          type: 'ReachMilestone',
          data: { milestoneId: m.milestoneId, reached: m.reached.reached, statedOn: m.reached.statedOn, evidence: m.reached.provenance?.quote ?? null },
        }, m.reached.provenance ?? m.provenance);
      }
    }
  }

  // 6. Annexe 2: infrastructure figures on the infrastructure sheet, per territory.
  await importIndicators(seed.infrastructure.indicators.map((i) => ({ ...i, sheetId: seed.infrastructure.sheetId })), onSheet, sheetState);

  // 7. V3 sheets that ended: they leave the roadmap when V4 is adopted.
  const reasonOf = { completed: 'completed', not_renewed: 'not_renewed', completed_or_not_renewed: 'completed_or_not_renewed', unstated: 'unstated', abandoned: 'insufficient_partners' } as const;
  for (const s of seed.sheetsV3.filter((x) => x.outcome !== 'carried_over')) {
    const state = await sheetState(s.sheetId);
    if (state.retired) { result.commands++; result.skipped++; continue; }
    const reason = (s.reasonCode as RetireReason | null) ?? reasonOf[s.outcome as keyof typeof reasonOf] ?? 'other';
    await onSheet(s.sheetId, { type: 'RetireSheet', data: { reason, explanation: s.explanation, effectiveOn: v4.adoptedOn, mergedInto: null } }, s.provenance);
  }

  // 8. The commission adopts V4.
  await settle(v4);

  // 9. Governance (Partie II of the V4, Annexe 3 §1 for the V3) and the document's own inconsistencies, as facts of the roadmap.
  const governance = [...seed.governance.facts.map((f) => ({ version: seed.governance.version, f })), ...seed.governance.v3.map((f) => ({ version: 'V3', f }))];
  for (const { version, f } of governance) {
    await run(() => commands.onRoadmap(roadmapId, { type: 'RecordGovernance', data: governanceFact(version, f), metadata: ctx(f.provenance) }));
  }
  for (const d of seed.discrepancies) {
    await run(() => commands.onRoadmap(roadmapId, { type: 'RecordFinding', data: findingOf(d), metadata: ctx(d.provenance) }));
  }
  options.onProgress?.(seed.sheetsV4.length, seed.sheetsV4.length);
  return result;
}

function governanceFact(version: string, f: SeedGovernanceFact) {
  const { factId, kind, statement, provenance, ...details } = f;
  return { version, factId, kind, statement, details, provenance: [provenance] };
}

/**
 * A discrepancy as a finding. Where the seed compares a printed figure with a recomputed one, that is
 * the figure, and the seed's named figures are what it is worked out from; otherwise each figure the
 * document gives is printed, with nothing to recompute it from.
 */
function findingOf(d: SeedDiscrepancy) {
  const figures = d.compared ?? Object.entries(d.figures).map(([label, printed]) => ({ label, printed, recomputed: null }));
  return { findingId: d.id, description: d.description, figures, ...(d.compared ? { workedFigures: d.figures } : {}), refersTo: d.refersTo, provenance: d.provenance };
}

type OnSheet = (sheetId: string, input: SheetCommandInput, provenance?: Provenance | Provenance[]) => Promise<void>;

async function importIndicators(indicators: Array<SeedIndicator & { sheetId: string }>, onSheet: OnSheet, sheetState: (id: string) => Promise<SheetState>): Promise<void> {
  for (const i of indicators) {
    const state = await sheetState(i.sheetId);
    if (state.status !== 'active') continue; // written before the sheet closed, on an earlier run
    const existing = state.indicators.get(i.indicatorId);
    if (!existing) await onSheet(i.sheetId, { type: 'AddIndicator', data: { indicator: toDefinition(i) } }, i.targets?.length ? sourcesOf(...i.targets.map((t) => t.provenance)) : i.reports?.[0]?.provenance);
    else {
      // The decider knows a target by (scope, due, label) and refuses one already there: every printed target is sent.
      for (const t of i.targets ?? []) {
        const target = toTarget(t);
        const key = targetKey({ due: target.due ?? null, label: target.label ?? null, territory: target.territory ?? null, zone: target.zone ?? null });
        if (existing.targets.some((x) => targetKey(x) === key && x.value === target.value)) continue;
        await onSheet(i.sheetId, { type: 'SetIndicatorTarget', data: { indicatorId: i.indicatorId, target } }, t.provenance);
      }
    }
    await importReports(i.sheetId, [i], onSheet, sheetState);
  }
}

/**
 * A store seeded by older code may hold a milestone's due date otherwise than the document prints
 * it ("2024 et ensuite" as 2024, "à 3 ans" as a day) or lack a milestone: the definition is corrected
 * by a new event quoting the document, or the milestone added. A milestone a pilot rescheduled since
 * keeps its new date.
 */
async function correctMilestones(s: SeedSet['sheetsV4'][number], onSheet: OnSheet, sheetState: (id: string) => Promise<SheetState>): Promise<void> {
  const state = await sheetState(s.sheetId);
  for (const m of s.milestones) {
    const recorded = state.milestones.get(m.milestoneId);
    const printed = toMilestone(m);
    if (!recorded) {
      if (state.status === 'active') await onSheet(s.sheetId, { type: 'AddMilestone', data: { milestone: printed } }, m.provenance ?? s.provenance);
      continue;
    }
    if (recorded.rescheduled || sameMilestoneDue(recorded, { due: printed.due, ...(printed.uncertain ? { uncertain: true } : {}), ...(printed.horizon ? { horizon: printed.horizon } : {}) })) continue;
    const quoted = m.provenance ?? s.provenance;
    await onSheet(s.sheetId, {
      type: 'CorrectMilestoneDefinition',
      data: { milestoneId: m.milestoneId, due: printed.due, uncertain: printed.uncertain, horizon: printed.horizon, reason: `Échéance telle qu'imprimée : ${quoted.section} — « ${quoted.quote} »`.slice(0, 500) },
    }, quoted);
  }
}

async function importReports(sheetId: string, indicators: SeedIndicator[], onSheet: OnSheet, sheetState: (id: string) => Promise<SheetState>): Promise<void> {
  const state = await sheetState(sheetId);
  if (state.status !== 'active') return;
  const writes: Promise<void>[] = [];
  for (const i of indicators) {
    for (const r of i.reports ?? []) {
      // The id does not depend on the printed form: a report written before it had one is found again.
      let reportId = reportIdOf(sheetId, i.indicatorId, r.observedOn, r.territory, r.zone ?? '', r.value);
      const qualifier = r.qualifier ?? 'exact';
      const reports = state.indicators.get(i.indicatorId)?.reports;
      let recorded = reports?.get(reportId);
      // Another passage printing the same figure otherwise (Annexe 3's "fin 2022", Annexe 2's "au
      // 31/12/2022" for the same 112 sites) is a statement of its own, with its date as printed and its
      // provenance: neither passage is dropped (seed README, judgement call 54). Its id adds the printed form.
      if (recorded && recorded.observed !== recorded.observedOn && recorded.observed !== r.observed) {
        reportId = reportIdOf(sheetId, i.indicatorId, r.observedOn, r.territory, r.zone ?? '', r.value, r.observed);
        recorded = reports?.get(reportId);
      }
      if (recorded) {
        // Recorded before reports had a printed form (schema version 1: the last day, a qualifier only
        // from the old comment): a correction says how the document prints it. A report recorded
        // with its printed form is left alone.
        const beforePrintedForm = recorded.observed === recorded.observedOn;
        if (beforePrintedForm && (recorded.observed !== r.observed || recorded.qualifier !== qualifier)) {
          writes.push(onSheet(sheetId, {
            type: 'CorrectIndicatorReport',
            data: { indicatorId: i.indicatorId, reportId, value: recorded.value, observed: r.observed, qualifier, reason: `Date et qualificatif tels qu'imprimés : ${r.provenance.section} — « ${r.provenance.quote} »`.slice(0, 500) },
          }, r.provenance));
        }
        continue;
      }
      writes.push(onSheet(sheetId, {
        type: 'ReportIndicator',
        data: {
          indicatorId: i.indicatorId, reportId, value: r.value, observed: r.observed, qualifier, territory: r.territory, zone: r.zone ?? null,
          source: `${r.provenance.section} — « ${r.provenance.quote} »`, comment: null,
        },
      }, r.provenance));
    }
  }
  // Reports on one sheet are decided in turn and appended together (see StreamBatcher).
  await Promise.all(writes);
}
