import { Gauge, type Registry } from 'prom-client';
import type { IndicatorSeriesReadModel, ProjectionHost, SheetsReadModel } from '#projections';
import { lagParts, mergeLagParts, summariseLags, type LagParts, type LagSummary } from '#reporting';

interface LagFigures {
  organisations: Array<{ organisation: string; overall: LagSummary; sheets: Array<{ sheetId: string } & LagSummary> }>;
}

/** What is kept of a sheet between two computations: its lags as of its stream's revision. */
interface KeptSheet { revision: number; parts: LagParts }

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The reporting lag of every pilot organisation (as GET /api/organisations/:id/reporting-lag
 * answers it), as gauges. Computed on scrape from the read models, once per read-model position:
 * scrapes between two writes reuse the figures. Each sheet's lags are kept with its stream's
 * revision, so a scrape recomputes only the sheets written since the last one (a million reports
 * took the request thread 12–14 s per scrape when every sheet was read again); each recomputed sheet
 * reads only its reports' two times, and the work gives way to other requests between two indicators.
 */
export function registerReportingLagMetrics(
  registry: Registry,
  reads: { sheets: SheetsReadModel; series: IndicatorSeriesReadModel },
  runner: ProjectionHost,
): void {
  let cached: { position: number; figures: Promise<LagFigures> } | null = null;
  // One computation at a time, each after the one before: they share `kept`.
  let last: Promise<unknown> = Promise.resolve();
  const kept = new Map<string, KeptSheet>();
  const keptOrganisations = new Map<string, { key: string; overall: LagSummary }>();
  const figures = (): Promise<LagFigures> => {
    const position = runner.checkpoint;
    if (cached?.position !== position) {
      const computing = last.then(compute, compute);
      last = computing.catch(() => undefined);
      cached = { position, figures: computing };
      // A failed computation is not kept: the next scrape tries again.
      computing.catch(() => { if (cached?.figures === computing) cached = null; });
    }
    return cached.figures;
  };
  // One indicator at a time, giving way between two: the 25 000 reports of an indicator of the bench's
  // largest sheet take ~100 ms to read and count.
  const sheetLag = async (sheetId: string): Promise<LagParts | null> => {
    const view = reads.sheets.get(sheetId);
    if (!view) return null;
    const parts: LagParts[] = [];
    for (const i of view.indicators) {
      parts.push(lagParts({ indicators: [{ frequency: i.frequency, reports: reads.series.reportTimes(sheetId, i.indicatorId) }] }));
      await nextTurn();
    }
    return mergeLagParts(parts);
  };
  const compute = async (): Promise<LagFigures> => {
    const listed = reads.sheets.list({}).filter((s) => s.pilots.length > 0);
    const seen = new Set<string>();
    for (const item of listed) {
      seen.add(item.sheetId);
      if (kept.get(item.sheetId)?.revision === item.revision) continue;
      const parts = await sheetLag(item.sheetId);
      if (parts) kept.set(item.sheetId, { revision: item.revision, parts });
      else kept.delete(item.sheetId);
    }
    for (const sheetId of kept.keys()) if (!seen.has(sheetId)) kept.delete(sheetId);
    const organisations = [...new Set(listed.flatMap((s) => s.pilots))].sort();
    const out: LagFigures['organisations'] = [];
    for (const organisation of organisations) {
      // In the listing's order, as readSheetFacts lists an organisation's sheets.
      const sheets = listed.filter((s) => s.pilots.includes(organisation) && kept.has(s.sheetId)).map((s) => ({ sheetId: s.sheetId, ...kept.get(s.sheetId)! }));
      const key = sheets.map((s) => `${s.sheetId}@${s.revision}`).join(' ');
      let overall = keptOrganisations.get(organisation);
      if (overall?.key !== key) keptOrganisations.set(organisation, (overall = { key, overall: summariseLags(sheets.map((s) => s.parts)) }));
      out.push({ organisation, overall: overall.overall, sheets: sheets.map((s) => ({ sheetId: s.sheetId, ...summariseLags([s.parts]) })) });
    }
    for (const organisation of keptOrganisations.keys()) if (!organisations.includes(organisation)) keptOrganisations.delete(organisation);
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
