import { Gauge, type Registry } from 'prom-client';
import type { RoadmapCommands } from '#application';
import type { IndicatorSeriesReadModel, ProjectionHost, SheetsReadModel } from '#projections';
import { readSheetFacts, reportingLag, type LagSummary } from '#reporting';

interface LagFigures {
  organisations: Array<{ organisation: string; overall: LagSummary; sheets: Array<{ sheetId: string } & LagSummary> }>;
}

/**
 * The reporting lag of every pilot organisation (as GET /api/organisations/:id/reporting-lag
 * answers it), as gauges. Computed on scrape from the read models, once per read-model position:
 * scrapes between two writes reuse the figures.
 */
export function registerReportingLagMetrics(
  registry: Registry,
  reads: { sheets: SheetsReadModel; series: IndicatorSeriesReadModel },
  commands: RoadmapCommands,
  runner: ProjectionHost,
): void {
  let cached: { position: number; figures: Promise<LagFigures> } | null = null;
  const figures = (): Promise<LagFigures> => {
    const position = runner.checkpoint;
    if (cached?.position !== position) {
      const computing = compute();
      cached = { position, figures: computing };
      // A failed computation is not kept: the next scrape tries again.
      computing.catch(() => { if (cached?.figures === computing) cached = null; });
    }
    return cached.figures;
  };
  const compute = async (): Promise<LagFigures> => {
    const organisations = [...new Set(reads.sheets.list({}).flatMap((s) => s.pilots))].sort();
    const out: LagFigures['organisations'] = [];
    for (const organisation of organisations) {
      const lag = reportingLag(await readSheetFacts(organisation, reads, commands));
      out.push({ organisation, ...lag });
    }
    return { organisations: out };
  };
  const setLag = (gauge: Gauge<string>, labels: Record<string, string>, s: LagSummary) => {
    if (s.medianDays !== null) gauge.set({ ...labels, quantile: '0.5' }, s.medianDays);
    if (s.p90Days !== null) gauge.set({ ...labels, quantile: '0.9' }, s.p90Days);
  };

  new Gauge({
    name: 'scoran_reporting_lag_days',
    help: 'Days from a report\'s observedOn (valid time) to its recording (record time), per pilot organisation: median (0.5) and p90 (0.9, nearest rank)',
    labelNames: ['organisation', 'quantile'] as const,
    registers: [registry],
    async collect() {
      const { organisations } = await figures();
      this.reset();
      for (const o of organisations) setLag(this, { organisation: o.organisation }, o.overall);
    },
  });
  new Gauge({
    name: 'scoran_reports_on_time_ratio',
    help: 'Share of an organisation\'s reports (indicators with a recurring frequency) recorded by the day the next value became due',
    labelNames: ['organisation'] as const,
    registers: [registry],
    async collect() {
      const { organisations } = await figures();
      this.reset();
      for (const o of organisations) if (o.overall.onTimeShare !== null) this.set({ organisation: o.organisation }, o.overall.onTimeShare);
    },
  });
  // Per sheet under their own names: one metric name keeps one set of labels, so sums over organisations stay right.
  new Gauge({
    name: 'scoran_sheet_reporting_lag_days',
    help: 'The reporting lag of one sheet, for one of its pilot organisations: median (0.5) and p90 (0.9)',
    labelNames: ['organisation', 'sheet', 'quantile'] as const,
    registers: [registry],
    async collect() {
      const { organisations } = await figures();
      this.reset();
      for (const o of organisations) for (const s of o.sheets) setLag(this, { organisation: o.organisation, sheet: s.sheetId }, s);
    },
  });
  new Gauge({
    name: 'scoran_sheet_reports_on_time_ratio',
    help: 'Share of one sheet\'s reports (indicators with a recurring frequency) recorded on time, for one of its pilot organisations',
    labelNames: ['organisation', 'sheet'] as const,
    registers: [registry],
    async collect() {
      const { organisations } = await figures();
      this.reset();
      for (const o of organisations) for (const s of o.sheets) if (s.onTimeShare !== null) this.set({ organisation: o.organisation, sheet: s.sheetId }, s.onTimeShare);
    },
  });
}
