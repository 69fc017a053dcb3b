import { QueryDate, QueryOneOf, QueryText, QueryVersion } from '../http/query.dto.js';

/** The sheets export: of a roadmap, one sheet, in one version (the export checks the values). */
export class SheetsExportQuery {
  @QueryVersion() version?: string;
  @QueryText() roadmapId?: string;
  @QueryText() sheetId?: string;
}

export class IndicatorsExportQuery {
  @QueryText() roadmapId?: string;
  @QueryText() sheetId?: string;
}

export class SeriesExportQuery {
  @QueryText() roadmapId?: string;
  @QueryText() sheetId?: string;
  @QueryDate() asOf?: string;
}

export class FindingsExportQuery {
  @QueryText() roadmapId?: string;
  @QueryText() sheetId?: string;
  @QueryOneOf(['open', 'resolved', 'withdrawn']) status?: string;
}
