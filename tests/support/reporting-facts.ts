import type { IndicatorFacts, ReportFact, SheetFacts } from '#reporting';

export const report = (over: Partial<ReportFact> & Pick<ReportFact, 'observedOn'>): ReportFact => ({
  reportId: `r-${over.observedOn}-${over.territory ?? ''}-${over.zone ?? ''}`, value: 1, territory: null, zone: null, recordedAt: `${over.observedOn}T12:00:00.000Z`, ...over,
});

export const indicator = (over: Partial<IndicatorFacts> = {}): IndicatorFacts => ({
  indicatorId: 'datasets-published', name: 'Jeux de données publiés', unit: 'count', frequency: null, target: { value: 40, by: '2025-12-31' }, reports: [], ...over,
});

export const sheet = (over: Partial<SheetFacts> = {}): SheetFacts => ({
  sheetId: 'open-data-challenge', number: '3.10', title: 'Défi open data', status: 'active', createdOn: '2024-01-15', indicators: [indicator()], milestones: [], ...over,
});
