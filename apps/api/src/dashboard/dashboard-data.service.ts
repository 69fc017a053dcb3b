import { Inject, Injectable } from '@nestjs/common';
import type { VersionOutcome } from '#domain';
import { DataQualityReadModel, GovernanceReadModel, IndicatorSeriesReadModel, SheetsReadModel, type Finding, type GovernanceFact, type SheetView } from '#projections';
import { readSheetFacts, type SheetFacts } from '#reporting';
import { ReadModels, type SeriesPoint } from '../infrastructure/read-models.service.js';
import { SheetQueries } from '../sheets/queries/sheet-queries.service.js';

export interface RoadmapInfo {
  roadmapId: string;
  title: string;
  enjeux: { enjeuId: string; number: number; title: string }[];
  versions: {
    version: string; status: string; basedOn: string | null; draftedOn: string | null; adoptedOn: string | null; adoptedBy: string | null;
    supersededBy: string | null; draftedOnFr: string | null; adoptedOnFr: string | null;
  }[];
}

export interface SheetListItem {
  sheetId: string; version: string; number: string | null; kind: string | null; enjeu: string | null; title: string; objective: string | null;
  pilots: string[]; status: string; currentVersion?: string; indicators: number; indicatorsReported: number; milestones: number; milestonesReached: number;
  outcome?: VersionOutcome;
}

export interface TerritorialFigure { sheetId: string; sheetTitle: string; indicatorId: string; name: string; unit: string; date: string; rows: { territory: string | null; zone: string | null; value: number }[] }

/** What the dashboard pages read: the same queries as the public API (time travel included). */
@Injectable()
export class DashboardData {
  constructor(
    private readonly readModels: ReadModels,
    private readonly queries: SheetQueries,
    @Inject(IndicatorSeriesReadModel) private readonly indicatorSeries: IndicatorSeriesReadModel,
    @Inject(DataQualityReadModel) private readonly dataQuality: DataQualityReadModel,
    @Inject(GovernanceReadModel) private readonly governanceFacts: GovernanceReadModel,
    @Inject(SheetsReadModel) private readonly sheetDocs: SheetsReadModel,
  ) {}

  /** The sheets an organisation pilots, as the reporting endpoints read them (empty when none). */
  organisationSheets(organisationId: string): SheetFacts[] {
    return readSheetFacts(organisationId, { sheets: this.sheetDocs, series: this.indicatorSeries });
  }

  findings(roadmapId: string): Finding[] {
    return this.dataQuality.findings(roadmapId);
  }

  governance(roadmapId: string, version: string): GovernanceFact[] {
    return this.governanceFacts.of(roadmapId, version);
  }

  /** The requested roadmap, else the SCORAN one, else the first known. */
  roadmap(roadmapId?: string): RoadmapInfo | null {
    const all = this.readModels.roadmaps() as unknown as RoadmapInfo[];
    return all.find((r) => r.roadmapId === roadmapId) ?? all.find((r) => r.roadmapId === 'scoran-centre-val-de-loire') ?? all[0] ?? null;
  }

  /** The latest adopted version (else the latest drafted): what "the roadmap" means today. */
  currentVersion(roadmap: RoadmapInfo): string | null {
    const adopted = roadmap.versions.filter((v) => v.status === 'adopted');
    return (adopted.at(-1) ?? roadmap.versions.at(-1))?.version ?? null;
  }

  async sheets(roadmapId: string, version: string, asOf: string | null): Promise<SheetListItem[]> {
    return (await this.queries.list({ roadmapId, version, ...(asOf ? { asOf } : {}) })) as SheetListItem[];
  }

  /** The sheet now (or as of a day), or as it was in an earlier version. */
  async sheet(sheetId: string, asOf: string | null, version: string | null = null): Promise<SheetView> {
    return (await this.queries.sheet(sheetId, version ? { version } : asOf ? { asOf } : {})) as SheetView;
  }

  series(sheetId: string, indicatorId: string, asOf: string | null): SeriesPoint[] {
    return this.readModels.series(sheetId, indicatorId, asOf ? { asOf } : {});
  }

  async history(sheetId: string): Promise<Array<{ type: string; recordedAt: string; validOn: string | null; data: Record<string, unknown> }>> {
    const h = (await this.queries.history(sheetId)) as { events: Array<{ type: string; recordedAt: string; validOn: string | null; data: Record<string, unknown> }> };
    // Public page: the actor, correlation and causation of each event stay in the audited log.
    return h.events.map((e) => ({ type: e.type, recordedAt: e.recordedAt, validOn: e.validOn, data: e.data }));
  }

  /** Indicators reported per department: for each, the latest date (by asOf) and every value on it. */
  territorialFigures(roadmapId: string, asOf: string | null): TerritorialFigure[] {
    const groups = this.indicatorSeries.latestDepartmentDays(roadmapId, asOf);
    const out: TerritorialFigure[] = [];
    for (const g of groups) {
      const doc = this.readModels.getSheet(g.sheetId);
      const ind = doc.indicators.find((i) => i.indicatorId === g.indicatorId);
      if (!ind) continue;
      // A value reported twice for the same day, territory and zone: the later report wins.
      const latest = new Map<string, { territory: string | null; zone: string | null; value: number }>();
      for (const r of this.indicatorSeries.reportsOn(g.sheetId, g.indicatorId, g.date)) latest.set(`${r.territory}|${r.zone}`, r);
      out.push({ sheetId: g.sheetId, sheetTitle: doc.title, indicatorId: g.indicatorId, name: ind.name, unit: ind.unit, date: g.date, rows: [...latest.values()] });
    }
    // Figures that cover the most departments first: the regional picture before single-department notes.
    const reach = (f: TerritorialFigure) => new Set(f.rows.map((r) => r.territory)).size;
    return out.sort((a, b) => reach(b) - reach(a) || `${a.sheetTitle}|${a.indicatorId}`.localeCompare(`${b.sheetTitle}|${b.indicatorId}`));
  }
}
