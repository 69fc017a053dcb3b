import { outcomesSetBy, positionAfter, type IndicatorDefinition, type MilestoneDefinition, type SheetEvent, type SheetFields, type SheetPosition, type VersionOutcome } from '#domain';
import type { StoredEvent } from '#event-store';

export const COMPARED_FIELDS: readonly (keyof SheetFields)[] = ['number', 'kind', 'enjeu', 'title', 'objective', 'theme', 'context', 'objectives', 'pilots', 'partners'];

export interface FieldChange {
  field: keyof SheetFields;
  before: unknown;
  after: unknown;
}

/** The life of a sheet within one roadmap version. */
export interface VersionSegment {
  version: string;
  /** How the sheet entered the version. */
  enteredBy: 'created' | 'carried_over';
  enteredAt: { eventId: string; position: number; recordedAt: string };
  fromVersion: string | null;
  /** Fields as the sheet entered the version, and as it left it (or stands now). */
  fieldsAtStart: SheetFields;
  fieldsAtEnd: SheetFields;
  /** What the carry-over changed, field by field (empty for a creation). */
  carryOverChanges: FieldChange[];
  /** Revisions recorded while the sheet was in this version. */
  revisions: Array<{ changes: FieldChange[]; reason: string | null; recordedAt: string }>;
  indicatorsAdded: Array<{ indicatorId: string; name: string; unit: string }>;
  milestonesAdded: Array<{ milestoneId: string; title: string; due: string | null }>;
  /** How the sheet ended in the version (or stands, in its current one): the domain's rule (sheet-outcome). */
  outcome: VersionOutcome;
}

export interface Lineage {
  sheetId: string;
  roadmapId: string;
  continues: string[];
  historic: boolean;
  segments: VersionSegment[];
}

const pickFields = (d: Record<string, unknown>): SheetFields =>
  Object.fromEntries(COMPARED_FIELDS.map((f) => [f, d[f] ?? (f === 'pilots' || f === 'partners' ? [] : null)])) as unknown as SheetFields;

export function fieldChanges(before: SheetFields, after: Partial<SheetFields>): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of COMPARED_FIELDS) {
    if (!(field in after)) continue;
    if (JSON.stringify(before[field]) !== JSON.stringify(after[field])) out.push({ field, before: before[field], after: after[field] });
  }
  return out;
}

const indicatorBrief = (i: IndicatorDefinition) => ({ indicatorId: i.indicatorId, name: i.name, unit: i.unit });
const milestoneBrief = (m: MilestoneDefinition) => ({ milestoneId: m.milestoneId, title: m.title, due: m.due });

/** Cuts a sheet's stream into its versions: how it entered each, what changed, how it left. */
export function sheetLineage(events: readonly StoredEvent[]): Lineage | null {
  const created = events[0];
  if (!created || created.type !== 'SheetCreated') return null;
  const c = created.data as Record<string, any>;
  const at = (e: StoredEvent) => ({ eventId: e.id, position: e.position, recordedAt: e.metadata.recordedAt });
  let fields = pickFields(c);
  let position: SheetPosition = { version: '', status: 'none' };
  const fold = (e: StoredEvent) => {
    const event = { type: e.type, data: e.data } as SheetEvent;
    for (const o of outcomesSetBy(position, event)) {
      const segment = segments.find((s) => s.version === o.version);
      if (segment) segment.outcome = o;
    }
    position = positionAfter(position, event);
  };
  const entering = (version: string): VersionOutcome => ({ version, outcome: 'active', reason: null, explanation: null, on: null, nextVersion: null, mergedInto: null });
  let current: VersionSegment = {
    version: c.version, enteredBy: 'created', enteredAt: at(created), fromVersion: null, fieldsAtStart: fields, fieldsAtEnd: fields,
    carryOverChanges: [], revisions: [], indicatorsAdded: [], milestonesAdded: [], outcome: entering(c.version),
  };
  const segments = [current];
  fold(created);
  for (const e of events.slice(1)) {
    const d = e.data as Record<string, any>;
    switch (e.type) {
      case 'SheetRevised': {
        const changes = fieldChanges(fields, d.changes);
        fields = { ...fields, ...d.changes };
        current.revisions.push({ changes, reason: d.reason ?? null, recordedAt: e.metadata.recordedAt });
        break;
      }
      case 'IndicatorAdded':
        current.indicatorsAdded.push(indicatorBrief(d.indicator));
        break;
      case 'MilestoneAdded':
        current.milestonesAdded.push(milestoneBrief(d.milestone));
        break;
      case 'SheetCarriedOver': {
        current.fieldsAtEnd = fields;
        const changes = fieldChanges(fields, d.changes ?? {});
        fields = { ...fields, ...(d.changes ?? {}) };
        current = {
          version: d.toVersion, enteredBy: 'carried_over', enteredAt: at(e), fromVersion: d.fromVersion, fieldsAtStart: fields, fieldsAtEnd: fields,
          carryOverChanges: changes, revisions: [], indicatorsAdded: (d.addedIndicators ?? []).map(indicatorBrief),
          milestonesAdded: (d.addedMilestones ?? []).map(milestoneBrief), outcome: entering(d.toVersion),
        };
        segments.push(current);
        break;
      }
      default:
        break;
    }
    fold(e);
    current.fieldsAtEnd = fields;
  }
  return { sheetId: c.sheetId, roadmapId: c.roadmapId, continues: c.continues ?? [], historic: c.historic === true, segments };
}
