import { compareVersionLabels, finalTargetFor, printedDueFr, isLaterVersion, meetsTarget, REGION_CODE, scope, ZONES, type Zone } from '#domain';
import { addDays } from './calendar-days.js';
import type {
  AssessedTarget, AssessmentFinding,
  Assessment, AssessmentInput, AssessmentPeriod, Counts, IndicatorAssessment, MilestoneAssessment, SheetAssessment, SheetInput, SheetOutcome,
} from './assessment.model.js';
import { periodBounds } from './calendar-days.js';

const numberKey = (n: string | null) => (n ?? '').split('.').map((p) => p.padStart(4, '0')).join('.');
const ABANDONMENT_REASONS = new Set(['insufficient_partners', 'out_of_scope', 'no_funding']);

/**
 * The period a version's assessment covers: from its adoption to the day before the next version's
 * adoption, or to `until`. Without either it stays open: no "today" enters the output.
 */
export function assessmentPeriod(versions: AssessmentInput['versions'], version: string, until: string | null): AssessmentPeriod {
  const own = versions.find((v) => v.version === version);
  // As printed ("en mars 2019" stays a month); its first day is kept beside it for comparing days.
  const start = own?.adoptedOn ?? null;
  const next = versions
    .filter((v) => isLaterVersion(v.version, version))
    .sort((a, b) => compareVersionLabels(a.version, b.version))[0] ?? null;
  if (until !== null) return { start, end: until, endsWith: 'until', nextVersion: next?.version ?? null };
  if (next?.adoptedOn) return { start, end: addDays(periodBounds(next.adoptedOn).start, -1), endsWith: 'next_adoption', nextVersion: next.version };
  return { start, end: null, endsWith: 'open', nextVersion: next?.version ?? null };
}

/** The first day of a period's start as printed ("mars 2019" → 2019-03-01), for what compares or stamps days. */
export function periodStartDay(period: AssessmentPeriod): string | null {
  return period.start === null ? null : periodBounds(period.start).start;
}

function outcomeOf(sheet: SheetInput, end: string | null): { outcome: SheetOutcome; reason: string | null; explanation: string | null; on: string | null } {
  const o = sheet.outcome;
  const closedBy = (on: string | null) => end === null || on === null || on <= end;
  switch (o.outcome) {
    case 'completed':
      return closedBy(o.on) ? { outcome: 'completed', reason: null, explanation: o.explanation, on: o.on } : inProgress();
    case 'abandoned':
      return closedBy(o.on) ? { outcome: 'abandoned', reason: o.reason, explanation: o.explanation, on: o.on } : inProgress();
    case 'retired':
      // Retirement takes effect as the next version replaces this one: its reason says how the sheet ended.
      if (o.reason === 'completed') return { outcome: 'completed', reason: null, explanation: o.explanation, on: o.on };
      if (o.reason !== null && ABANDONMENT_REASONS.has(o.reason)) return { outcome: 'abandoned', reason: o.reason, explanation: o.explanation, on: o.on };
      // Kept as the sources leave them: neither is read as one of the definite outcomes.
      if (o.reason === 'completed_or_not_renewed' || o.reason === 'unstated') return { outcome: o.reason, reason: null, explanation: o.explanation, on: o.on };
      return { outcome: 'not_carried_over', reason: o.reason, explanation: o.explanation, on: o.on };
    default:
      return inProgress();
  }
}
const inProgress = () => ({ outcome: 'in_progress' as const, reason: null, explanation: null, on: null });

/**
 * The assessment's values are regional (the region's report, else the sum of its departments), per
 * zone: each is paired with the final target of the region and that zone (finalTargetFor: a
 * target with no territory counts as the region's).
 */
function regionalTarget(targets: readonly AssessedTarget[], zone: string | null): AssessedTarget | null {
  if (zone !== null && !(ZONES as readonly string[]).includes(zone)) return null;
  const asDomain = targets.map((t) => ({ ...t, horizon: null, zone: (t.zone ?? null) as Zone | null }));
  const breakdown = zone ? { zone: zone as Zone } : {};
  const found = finalTargetFor({ targets: asDomain }, scope(REGION_CODE, breakdown));
  return found ? targets[asDomain.indexOf(found)]! : null;
}

function milestoneStatus(m: SheetInput['milestones'][number], period: AssessmentPeriod): MilestoneAssessment | null {
  const reachedOn = m.reachedOn !== null && (period.end === null || m.reachedOn <= period.end) ? m.reachedOn : null;
  // Reached before the version began: part of an earlier version's record.
  const startDay = periodStartDay(period);
  if (reachedOn !== null && startDay !== null && reachedOn < startDay) return null;
  // An open end ("2024 et ensuite", "après 2023") reaches as far as the calendar: never late, never missed.
  const dueEnd = m.due ? periodBounds(m.due).end : null;
  let status: MilestoneAssessment['status'];
  // Without a due date (none printed, or only "à 3 ans"), a milestone reached is neither on time nor late.
  if (reachedOn !== null) status = m.due === null ? 'no_due' : reachedOn <= dueEnd! ? 'on_time' : 'late';
  else status = dueEnd !== null && period.end !== null && dueEnd <= period.end ? 'missed' : 'pending';
  const reached = reachedOn === null ? null : (m.reached ?? reachedOn);
  return { milestoneId: m.milestoneId, title: m.title, due: m.due, dueFr: printedDueFr(m), reachedOn, reached, rescheduled: m.rescheduled, status };
}

function assessSheet(sheet: SheetInput, period: AssessmentPeriod): SheetAssessment {
  const outcome = outcomeOf(sheet, period.end);
  const milestones = sheet.milestones
    .map((m) => milestoneStatus(m, period))
    .filter((m): m is MilestoneAssessment => m !== null)
    .sort((a, b) => (a.due ? periodBounds(a.due).start : '9999').localeCompare(b.due ? periodBounds(b.due).start : '9999') || a.milestoneId.localeCompare(b.milestoneId));
  const indicators: IndicatorAssessment[] = [];
  for (const ind of [...sheet.indicators].sort((a, b) => a.indicatorId.localeCompare(b.indicatorId))) {
    for (const s of [...ind.series].sort((a, b) => (a.zone ?? '').localeCompare(b.zone ?? ''))) {
      const trend = s.previous === null ? null : s.last.value > s.previous.value ? 'up' : s.last.value < s.previous.value ? 'down' : 'flat';
      const target = regionalTarget(ind.targets, s.zone);
      indicators.push({
        indicatorId: ind.indicatorId, name: ind.name, unit: ind.unit, zone: s.zone, target, last: s.last, previous: s.previous, trend,
        againstTarget: target === null ? null : meetsTarget({ value: s.last.value, qualifier: s.last.qualifier }, { value: target.value, qualifier: target.qualifier }),
      });
    }
  }
  const carried = sheet.outcome.outcome === 'carried_over' && sheet.outcome.nextVersion !== null;
  return {
    sheetId: sheet.sheetId, number: sheet.number, title: sheet.title, pilots: [...sheet.pilots].sort(), ...outcome, mergedInto: sheet.outcome.mergedInto,
    carriedOverTo: carried ? { version: sheet.outcome.nextVersion!, number: sheet.nextNumber } : null,
    milestones, indicators,
    neverReported: sheet.indicators.filter((i) => i.reportCount === 0).map((i) => ({ indicatorId: i.indicatorId, name: i.name })).sort((a, b) => a.indicatorId.localeCompare(b.indicatorId)),
  };
}

const zero = (): Counts => ({
  sheets: 0, completed: 0, inProgress: 0, abandoned: 0, notCarriedOver: 0, completedOrNotRenewed: 0, unstated: 0, carriedOver: 0, milestonesOnTime: 0, milestonesLate: 0,
  milestonesMissed: 0, milestonesPending: 0, milestonesReachedWithoutDue: 0, indicatorsReported: 0, indicatorsNeverReported: 0, indicatorsMet: 0,
});

function add(c: Counts, s: SheetAssessment, indicatorCount: number): void {
  c.sheets++;
  if (s.outcome === 'completed') c.completed++;
  else if (s.outcome === 'abandoned') c.abandoned++;
  else if (s.outcome === 'not_carried_over') c.notCarriedOver++;
  else if (s.outcome === 'completed_or_not_renewed') c.completedOrNotRenewed++;
  else if (s.outcome === 'unstated') c.unstated++;
  else c.inProgress++;
  if (s.carriedOverTo) c.carriedOver++;
  for (const m of s.milestones) {
    if (m.status === 'on_time') c.milestonesOnTime++;
    else if (m.status === 'late') c.milestonesLate++;
    else if (m.status === 'missed') c.milestonesMissed++;
    else if (m.status === 'no_due') c.milestonesReachedWithoutDue++;
    else c.milestonesPending++;
  }
  c.indicatorsNeverReported += s.neverReported.length;
  c.indicatorsReported += indicatorCount - s.neverReported.length;
  // An indicator counts as met when every zone it is reported in meets the target.
  const byIndicator = new Map<string, boolean>();
  for (const i of s.indicators) if (i.againstTarget !== null) byIndicator.set(i.indicatorId, (byIndicator.get(i.indicatorId) ?? true) && i.againstTarget === 'met');
  c.indicatorsMet += [...byIndicator.values()].filter(Boolean).length;
}

/** Pure: the same input gives the same assessment, everything in a fixed order. */
export function buildAssessment(input: AssessmentInput): Assessment {
  const period = assessmentPeriod(input.versions, input.version, input.until);
  const enjeuOrder = [...input.roadmap.enjeux].sort((a, b) => a.number - b.number);
  const groups = new Map<string | null, { enjeuId: string | null; number: number | null; title: string; totals: Counts; sheets: SheetAssessment[] }>();
  for (const e of enjeuOrder) groups.set(e.enjeuId, { enjeuId: e.enjeuId, number: e.number, title: e.title, totals: zero(), sheets: [] });
  const totals = zero();
  const sheets = [...input.sheets].sort((a, b) => numberKey(a.number).localeCompare(numberKey(b.number)) || a.sheetId.localeCompare(b.sheetId));
  for (const sheet of sheets) {
    const assessed = assessSheet(sheet, period);
    const key = sheet.enjeu !== null && groups.has(sheet.enjeu) ? sheet.enjeu : null;
    if (!groups.has(key)) groups.set(key, { enjeuId: null, number: null, title: 'Enjeu non précisé par les sources', totals: zero(), sheets: [] });
    const group = groups.get(key)!;
    group.sheets.push(assessed);
    add(group.totals, assessed, sheet.indicators.length);
    add(totals, assessed, sheet.indicators.length);
  }
  const enjeux = [...groups.values()].filter((g) => g.sheets.length > 0);
  const carriesOver = enjeux.flatMap((g) => g.sheets)
    .filter((s) => s.carriedOverTo !== null)
    .map((s) => ({ sheetId: s.sheetId, number: s.number, title: s.title, toVersion: s.carriedOverTo!.version, toNumber: s.carriedOverTo!.number }))
    .sort((a, b) => numberKey(a.toNumber ?? a.number).localeCompare(numberKey(b.toNumber ?? b.number)) || a.sheetId.localeCompare(b.sheetId));
  const printed = input.versions.find((v) => v.version === input.version)?.sheetCount ?? null;
  const sheetCount = { printed, recorded: totals.sheets, countsOver: 'recorded' as const };
  return { roadmapId: input.roadmap.roadmapId, title: input.roadmap.title, version: input.version, period, sheetCount, totals, enjeux, carriesOver, findings: assessFindings(input), ...(input.source ? { source: input.source } : {}) };
}

function assessFindings(input: AssessmentInput): AssessmentFinding[] {
  const numbers = new Map(input.sheets.map((s) => [s.sheetId, s.number]));
  const out: AssessmentFinding[] = [];
  for (const f of input.findings ?? []) {
    if (f.status === 'withdrawn') continue;
    const sheetIds = [...new Set(f.refersTo.flatMap((t) => (t.sheetId ? [t.sheetId] : [])))];
    const sheets = sheetIds.filter((id) => numbers.has(id)).map((sheetId) => ({ sheetId, number: numbers.get(sheetId)! }));
    if (sheetIds.length > 0 && sheets.length === 0) continue; // about sheets of other versions only
    const sections = [...new Set(f.refersTo.flatMap((t) => (t.section ? [t.section] : [])))];
    out.push({ findingId: f.findingId, status: f.status, description: f.description, figures: f.figures, sheets, sections, provenance: f.provenance, resolution: f.resolution });
  }
  return out;
}
