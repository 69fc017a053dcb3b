import type { SpecEvent } from './projection-spec.js';

/** Events of the roadmap `r` and its sheets, as projection specs state them (defaults for what a spec does not care about). */
export const roadmapCreated = (roadmapId = 'r'): SpecEvent => ({
  type: 'RoadmapCreated',
  data: { roadmapId, title: 'Feuille de route', region: { code: '24', name: 'Centre-Val de Loire' }, enjeux: [{ enjeuId: 'avenir', number: 4, title: 'Avenir' }], organisations: [] },
});

export const versionDrafted = (version: string, basedOn: string | null = null, roadmapId = 'r'): SpecEvent => ({
  type: 'RoadmapVersionDrafted', data: { roadmapId, version, basedOn, draftedOn: '2023-01-10' },
});

export const sheetCreated = (sheetId: string, fields: Record<string, unknown> = {}): SpecEvent => ({
  type: 'SheetCreated',
  data: {
    sheetId, roadmapId: 'r', version: 'V4', number: '4.1', kind: 'projet', enjeu: 'avenir', title: `Fiche ${sheetId}`, objective: null, theme: null,
    context: null, objectives: null, pilots: ['pilot-org'], partners: [], continues: [],
    indicators: [{ indicatorId: 'i', name: 'Interventions', unit: 'count', targets: [{ value: 40, by: '2026-06-30' }] }],
    milestones: [{ milestoneId: 'm', title: 'Lancement', due: '2023' }],
    ...fields,
  },
});

export const reported = (
  sheetId: string, reportId: string, value: number, observedOn: string,
  o: { territory?: string | null; zone?: string; recordedAt?: string } = {},
): SpecEvent => ({
  type: 'IndicatorReported',
  data: { sheetId, indicatorId: 'i', reportId, value, observedOn, territory: o.territory ?? null, source: null, comment: null, ...(o.zone ? { zone: o.zone } : {}) },
  ...(o.recordedAt ? { recordedAt: o.recordedAt } : {}),
});

/** A report of schema version 2: its date as printed, its qualifier and zone. */
export const reportedAsPrinted = (
  sheetId: string, reportId: string, value: number, observed: string, observedOn: string,
  o: { territory?: string | null; zone?: string | null; qualifier?: string } = {},
): SpecEvent => ({
  type: 'IndicatorReported', schemaVersion: 2,
  data: { sheetId, indicatorId: 'i', reportId, value, qualifier: o.qualifier ?? 'exact', observed, observedOn, territory: o.territory ?? null, zone: o.zone ?? null, source: null, comment: null },
});

export const corrected = (sheetId: string, reportId: string, value: number, observedOn: string, recordedAt?: string): SpecEvent => ({
  type: 'IndicatorReportCorrected',
  data: { sheetId, indicatorId: 'i', reportId, value, observedOn, reason: 'erreur de saisie' },
  ...(recordedAt ? { recordedAt } : {}),
});

export const milestoneReached = (sheetId: string, reachedOn: string): SpecEvent => ({
  type: 'MilestoneReached', data: { sheetId, milestoneId: 'm', reachedOn, evidence: null },
});

export const completed = (sheetId: string, completedOn: string): SpecEvent => ({
  type: 'ProjectCompleted', data: { sheetId, completedOn, summary: null },
});

export const carriedOver = (sheetId: string, fromVersion: string, toVersion: string, changes: Record<string, unknown> = {}): SpecEvent => ({
  type: 'SheetCarriedOver', data: { sheetId, fromVersion, toVersion, changes, addedIndicators: [], addedMilestones: [] },
});
