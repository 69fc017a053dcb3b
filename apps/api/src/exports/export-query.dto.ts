import { QueryText } from '../http/query.dto.js';

/** The sheets export: of a roadmap, one sheet, in one version (the export checks the values). */
export class SheetsExportQuery {
  @QueryText() version?: string;
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
  @QueryText() asOf?: string;
}

export class FindingsExportQuery {
  @QueryText() roadmapId?: string;
  @QueryText() sheetId?: string;
  /** open, resolved or withdrawn. */
  @QueryText() status?: string;
}
