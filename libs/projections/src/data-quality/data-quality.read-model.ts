import type { Database, Statement } from 'better-sqlite3';
import type { FindingFigure, FindingStatus, FindingTarget, Provenance, WorkedFigures } from '#domain';

/** A data-quality finding as the API, the dashboard, the assessment and the exports read it. */
export interface Finding {
  findingId: string;
  status: FindingStatus;
  description: string;
  figures: FindingFigure[];
  /** null: the finding is worked out from no other named figure. */
  workedFigures: WorkedFigures | null;
  refersTo: FindingTarget[];
  provenance: Provenance[];
  recordedAt: string;
  recordedBy: string;
  resolution: { resolution: string; on: string; recordedAt: string } | null;
  withdrawal: { reason: string; recordedAt: string } | null;
}

export interface FindingFilter {
  /** Record time: the findings, and their status, as the tracker knew them at this instant. */
  knownAt?: string;
  status?: FindingStatus;
  sheetId?: string;
}

/** The data-quality read model (DataQualityProjection): a roadmap's findings in the order they were recorded. */
export class DataQualityReadModel {
  private st: { list: Statement } | null = null;

  constructor(private readonly db: Database) {}

  findings(roadmapId: string, filter: FindingFilter = {}): Finding[] {
    this.st ??= {
      list: this.db.prepare(`SELECT * FROM data_quality_findings WHERE roadmapId = @roadmapId AND (@knownAt IS NULL OR recordedAt <= @knownAt) ORDER BY position`),
    };
    const knownAt = filter.knownAt ?? null;
    // A step recorded after knownAt had not happened yet, as far as the tracker knew.
    const by = (at: string | null) => at !== null && (knownAt === null || at <= knownAt);
    const rows = (this.st.list.all({ roadmapId, knownAt }) as FindingRow[]).map((r): Finding => {
      const resolution = by(r.resolvedAt) ? { resolution: r.resolution!, on: r.resolvedOn!, recordedAt: r.resolvedAt! } : null;
      const withdrawal = by(r.withdrawnAt) ? { reason: r.withdrawnReason!, recordedAt: r.withdrawnAt! } : null;
      return {
        findingId: r.findingId, status: resolution ? 'resolved' : withdrawal ? 'withdrawn' : 'open', description: r.description,
        figures: JSON.parse(r.figures), workedFigures: r.workedFigures === null ? null : JSON.parse(r.workedFigures), refersTo: JSON.parse(r.refersTo), provenance: JSON.parse(r.provenance), recordedAt: r.recordedAt, recordedBy: r.recordedBy,
        resolution, withdrawal,
      };
    });
    return rows.filter((f) => (!filter.status || f.status === filter.status) && (!filter.sheetId || f.refersTo.some((t) => t.sheetId === filter.sheetId)));
  }

  get(roadmapId: string, findingId: string, filter: Pick<FindingFilter, 'knownAt'> = {}): Finding | null {
    return this.findings(roadmapId, filter).find((f) => f.findingId === findingId) ?? null;
  }
}

/** The open findings that concern a figure of a sheet's indicator in a territory and zone (`zone: null` is the all-zones figure). */
export function findingsOnFigure(findings: readonly Finding[], figure: { sheetId: string; indicatorId: string; territory: string | null; zone: string | null }): Finding[] {
  return findings.filter((f) => f.status === 'open' && f.refersTo.some((t) =>
    t.sheetId === figure.sheetId && t.indicatorId === figure.indicatorId
    && (t.territory === undefined || t.territory === figure.territory)
    && (t.zone === undefined || t.zone === figure.zone)));
}

interface FindingRow {
  findingId: string;
  description: string;
  figures: string;
  workedFigures: string | null;
  refersTo: string;
  provenance: string;
  recordedAt: string;
  recordedBy: string;
  resolution: string | null;
  resolvedOn: string | null;
  resolvedAt: string | null;
  withdrawnReason: string | null;
  withdrawnAt: string | null;
}
