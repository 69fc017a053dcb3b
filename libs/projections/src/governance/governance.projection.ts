import type { Database, Statement } from 'better-sqlite3';
import type { GovernanceRecorded } from '#domain';
import type { LoggedEvent } from '#event-store';
import type { Projection } from '../projection.js';

/** Each version's governance facts (Partie II of the V4, Annexe 3 §1 for the V3). Runs inside RoadmapsProjection, as the findings do. */
export class GovernanceProjection implements Projection<LoggedEvent> {
  readonly name = 'governance';
  readonly version = 1;
  readonly tables = ['governance_facts'] as const;
  private insert: Statement | null = null;

  setup(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS governance_facts (roadmapId TEXT NOT NULL, version TEXT NOT NULL, factId TEXT NOT NULL, kind TEXT NOT NULL,
      statement TEXT NOT NULL, details TEXT NOT NULL, provenance TEXT NOT NULL, position INTEGER NOT NULL, recordedAt TEXT NOT NULL,
      PRIMARY KEY (roadmapId, version, factId));`);
    this.insert = null;
  }

  apply(db: Database, events: readonly LoggedEvent[]): void {
    this.insert ??= db.prepare('INSERT OR REPLACE INTO governance_facts VALUES (@roadmapId, @version, @factId, @kind, @statement, @details, @provenance, @position, @recordedAt)');
    for (const e of events) {
      if (e.type !== 'GovernanceRecorded') continue;
      const d = (e as unknown as GovernanceRecorded).data;
      this.insert.run({ ...d, details: JSON.stringify(d.details), provenance: JSON.stringify(d.provenance), position: e.position, recordedAt: e.metadata.recordedAt });
    }
  }
}
