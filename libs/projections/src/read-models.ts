import type { Database } from 'better-sqlite3';
import { DataQualityReadModel } from './data-quality/data-quality.read-model.js';
import { GovernanceReadModel } from './governance/governance.read-model.js';
import { EnjeuRollupReadModel } from './enjeu-rollup/enjeu-rollup.read-model.js';
import { EventFeedReadModel } from './event-feed/event-feed.read-model.js';
import { RoadmapsReadModel } from './roadmaps/roadmaps.read-model.js';
import { IndicatorSeriesReadModel } from './sheets/indicator-series.read-model.js';
import type { SheetStreamReader } from './sheets/sheet-time-travel.js';
import { SheetsReadModel } from './sheets/sheets.read-model.js';

/** Every read API over one read-model connection; time travel reads the rest from the log. */
export interface TrackerReadModels {
  sheets: SheetsReadModel;
  series: IndicatorSeriesReadModel;
  enjeuRollup: EnjeuRollupReadModel;
  eventFeed: EventFeedReadModel;
  roadmaps: RoadmapsReadModel;
  dataQuality: DataQualityReadModel;
  governance: GovernanceReadModel;
}

export function readModelsOf(db: Database, store: SheetStreamReader): TrackerReadModels {
  return {
    sheets: new SheetsReadModel(db, store),
    series: new IndicatorSeriesReadModel(db),
    enjeuRollup: new EnjeuRollupReadModel(db, store),
    eventFeed: new EventFeedReadModel(db),
    roadmaps: new RoadmapsReadModel(db),
    dataQuality: new DataQualityReadModel(db),
    governance: new GovernanceReadModel(db),
  };
}
