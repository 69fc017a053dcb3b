import type { Database, Statement } from 'better-sqlite3';
import { compareVersionLabels, type FigureValue, type Provenance } from '#domain';

/** A governance fact of a version. */
export interface GovernanceFact {
  factId: string;
  kind: string;
  statement: string;
  details: Record<string, FigureValue>;
  provenance: Provenance[];
  recordedAt: string;
}

/** The governance read model (GovernanceProjection): facts per version, in the order the document gives them. */
export class GovernanceReadModel {
  private st: Statement | null = null;

  constructor(private readonly db: Database) {}

  /** Version label → its facts, versions in number order. */
  byVersion(roadmapId: string, opts: { knownAt?: string } = {}): Record<string, GovernanceFact[]> {
    this.st ??= this.db.prepare('SELECT * FROM governance_facts WHERE roadmapId = @roadmapId AND (@knownAt IS NULL OR recordedAt <= @knownAt) ORDER BY position');
    const out: Record<string, GovernanceFact[]> = {};
    const rows = this.st.all({ roadmapId, knownAt: opts.knownAt ?? null }) as Array<GovernanceFact & { version: string; details: string; provenance: string }>;
    for (const version of [...new Set(rows.map((r) => r.version))].sort(compareVersionLabels)) {
      out[version] = rows.filter((r) => r.version === version)
        .map((r) => ({ factId: r.factId, kind: r.kind, statement: r.statement, details: JSON.parse(r.details), provenance: JSON.parse(r.provenance), recordedAt: r.recordedAt }));
    }
    return out;
  }

  of(roadmapId: string, version: string): GovernanceFact[] {
    return this.byVersion(roadmapId)[version] ?? [];
  }
}
