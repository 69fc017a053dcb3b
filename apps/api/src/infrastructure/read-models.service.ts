import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '#domain';
import {
  IndicatorSeriesReadModel, RoadmapsReadModel, SheetsReadModel, seriesByRegion,
  type RegionalPoint, type RoadmapRecord, type SeriesPoint, type SheetFilter, type SheetListItem, type SheetView,
} from '#projections';

export type { SeriesPoint, SheetFilter };

/** The read models as the HTTP API answers them: a missing sheet, indicator or roadmap is a 404. */
@Injectable()
export class ReadModels {
  constructor(
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(IndicatorSeriesReadModel) private readonly indicatorSeries: IndicatorSeriesReadModel,
    @Inject(RoadmapsReadModel) private readonly roadmapList: RoadmapsReadModel,
  ) {}

  listSheets(filter: SheetFilter): SheetListItem[] {
    return this.sheets.list(filter);
  }

  getSheet(sheetId: string): SheetView {
    const doc = this.sheets.get(sheetId);
    if (!doc) throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    return doc;
  }

  series(sheetId: string, indicatorId: string, opts: { territory?: string; asOf?: string; knownAt?: string }): SeriesPoint[] {
    const sheet = this.getSheet(sheetId);
    if (!sheet.indicators.some((i) => i.indicatorId === indicatorId)) throw notFound('indicator_not_found', `sheet ${sheetId} has no indicator ${indicatorId}`, { indicatorId });
    return this.indicatorSeries.series(sheetId, indicatorId, opts);
  }

  seriesByRegion(points: SeriesPoint[]): RegionalPoint[] {
    return seriesByRegion(points);
  }

  roadmaps(): RoadmapRecord[] {
    return this.roadmapList.list();
  }

  roadmap(roadmapId: string): RoadmapRecord {
    const found = this.roadmapList.get(roadmapId);
    if (!found) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
    return found;
  }
}
