import type { SheetCommand } from '#domain';
import type { CommandMetadata, WithMetadata } from '#application';

/** A sheet as the specs of this library start from: one indicator `i1`, piloted by `org-a`. */
export const sheetCreated = (sheetId = 's1', pilots = ['org-a']) => ({
  type: 'SheetCreated',
  data: {
    sheetId, roadmapId: 'r', version: 'V4', number: '1.1', kind: 'projet', enjeu: 'inclusion', title: 'T', objective: null, theme: null,
    context: null, objectives: null, pilots, partners: [], continues: [],
    indicators: [{ indicatorId: 'i1', name: 'I', unit: 'count', targets: [] }], milestones: [],
  },
  metadata: { actor: 'test', correlationId: 'c-0', causationId: null, source: 'test' },
});

export const metadataAt = (now: string, rest: Partial<CommandMetadata> = {}): CommandMetadata => ({
  now: new Date(now), actor: 'admin:t1', correlationId: 'c-1', causationId: 'cmd-1', source: 'test', ...rest,
});

export const reportCommand = (reportId: string, observedOn = '2024-02-01', metadata = metadataAt('2024-06-30T12:00:00Z')): WithMetadata<SheetCommand> => ({
  type: 'ReportIndicator', data: { indicatorId: 'i1', reportId, value: 1, observedOn }, metadata,
});

/** A report stored by another writer: an event appended straight to the store. */
export const reportedEvent = (reportId: string, sheetId = 's1') => ({
  type: 'IndicatorReported',
  data: { sheetId, indicatorId: 'i1', reportId, value: 2, observedOn: '2024-01-01', territory: null, source: null, comment: null },
  metadata: { actor: 'elsewhere', correlationId: 'c-9', causationId: null, source: 'test' },
});
