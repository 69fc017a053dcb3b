import type { Database, Statement } from 'better-sqlite3';
import type { DataQualityEvent } from '#domain';
import type { LoggedEvent } from '#event-store';
import type { Projection } from '../projection.js';

/**
 * Data-quality findings of each roadmap, one row per finding. A finding moves once, from open to
 * resolved or withdrawn, so the record time of each step is enough to answer "as known at".
 * It runs inside RoadmapsProjection (same streams, same checkpoint): bump that one's version when
 * this table or what it makes of an event changes.
 */
export class DataQualityProjection implements Projection<LoggedEvent> {
  readonly name = 'data-quality';
  // 2: the figures a comparison is worked out from.
  readonly version = 2;
  readonly tables = ['data_quality_findings'] as const;
  private st: { record: Statement; resolve: Statement; withdraw: Statement } | null = null;

  setup(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS data_quality_findings (
      roadmapId TEXT NOT NULL, findingId TEXT NOT NULL, description TEXT NOT NULL, figures TEXT NOT NULL, workedFigures TEXT, refersTo TEXT NOT NULL, provenance TEXT NOT NULL,
      position INTEGER NOT NULL, recordedAt TEXT NOT NULL, recordedBy TEXT NOT NULL,
      resolution TEXT, resolvedOn TEXT, resolvedAt TEXT, withdrawnReason TEXT, withdrawnAt TEXT,
      PRIMARY KEY (roadmapId, findingId));`);
    this.st = null;
  }

  apply(db: Database, events: readonly LoggedEvent[]): void {
    this.st ??= {
      record: db.prepare(`INSERT OR REPLACE INTO data_quality_findings (roadmapId, findingId, description, figures, workedFigures, refersTo, provenance, position, recordedAt, recordedBy)
        VALUES (@roadmapId, @findingId, @description, @figures, @workedFigures, @refersTo, @provenance, @position, @recordedAt, @recordedBy)`),
      resolve: db.prepare('UPDATE data_quality_findings SET resolution = @resolution, resolvedOn = @on, resolvedAt = @recordedAt WHERE roadmapId = @roadmapId AND findingId = @findingId'),
      withdraw: db.prepare('UPDATE data_quality_findings SET withdrawnReason = @reason, withdrawnAt = @recordedAt WHERE roadmapId = @roadmapId AND findingId = @findingId'),
    };
    for (const e of events as readonly LoggedEvent<DataQualityEvent['type']>[]) {
      const recordedAt = e.metadata.recordedAt;
      if (e.type === 'DataQualityFindingRecorded') {
        const d = (e as unknown as Extract<DataQualityEvent, { type: 'DataQualityFindingRecorded' }>).data;
        this.st.record.run({
          roadmapId: d.roadmapId, findingId: d.findingId, description: d.description, figures: JSON.stringify(d.figures), workedFigures: d.workedFigures ? JSON.stringify(d.workedFigures) : null, refersTo: JSON.stringify(d.refersTo),
          provenance: JSON.stringify(d.provenance), position: e.position, recordedAt, recordedBy: e.metadata.actor,
        });
      } else if (e.type === 'DataQualityFindingResolved') this.st.resolve.run({ ...(e.data as object), recordedAt });
      else if (e.type === 'DataQualityFindingWithdrawn') this.st.withdraw.run({ ...(e.data as object), recordedAt });
    }
  }
}
