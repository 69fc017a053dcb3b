import type { Database, Statement } from 'better-sqlite3';
import type { LoggedEvent } from '#event-store';
import { DataQualityProjection } from '../data-quality/data-quality.projection.js';
import { GovernanceProjection } from '../governance/governance.projection.js';
import type { Projection } from '../projection.js';

/**
 * Roadmaps and their versions, for listings and for the assessment's period bounds. The findings and
 * governance read models are written from the same roadmap streams, under the same checkpoint.
 */
export class RoadmapsProjection implements Projection<LoggedEvent> {
  readonly name = 'roadmaps';
  // 3: a draft date may be unknown; a version may be superseded (by, on).
  // 4: a finding's worked figures (DataQualityProjection 2).
  // 5: a version keeps the sheet count its sources print (sheetCount, JSON: "une trentaine" is about 30).
  // 6: an adoption the sources do not report is withdrawn (RoadmapVersionAdoptionWithdrawn).
  readonly version = 6;
  private readonly parts: readonly Projection<LoggedEvent>[] = [new DataQualityProjection(), new GovernanceProjection()];
  readonly tables: readonly string[] = ['roadmaps', 'roadmap_versions', ...this.parts.flatMap((p) => p.tables)];
  private st: Record<string, Statement> | null = null;

  setup(db: Database): void {
    for (const part of this.parts) part.setup(db);
    db.exec(`CREATE TABLE IF NOT EXISTS roadmaps (roadmapId TEXT PRIMARY KEY, title TEXT NOT NULL, region TEXT NOT NULL, enjeux TEXT NOT NULL, organisations TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS roadmap_versions (roadmapId TEXT NOT NULL, version TEXT NOT NULL, status TEXT NOT NULL, basedOn TEXT,
        draftedOn TEXT, adoptedOn TEXT, adoptedBy TEXT, facts TEXT, supersededBy TEXT, supersededOn TEXT, sheetCount TEXT, PRIMARY KEY (roadmapId, version));`);
    this.st = null;
  }

  apply(db: Database, events: readonly LoggedEvent[]): void {
    this.st ??= {
      roadmap: db.prepare('INSERT OR REPLACE INTO roadmaps VALUES (@roadmapId, @title, @region, @enjeux, @organisations)'),
      draft: db.prepare("INSERT OR REPLACE INTO roadmap_versions VALUES (@roadmapId, @version, 'draft', @basedOn, @draftedOn, NULL, NULL, @facts, NULL, NULL, NULL)"),
      adopt: db.prepare("UPDATE roadmap_versions SET status = 'adopted', adoptedOn = @adoptedOn, adoptedBy = @adoptedBy, facts = @facts, sheetCount = @sheetCount WHERE roadmapId = @roadmapId AND version = @version"),
      supersede: db.prepare("UPDATE roadmap_versions SET status = 'superseded', supersededBy = @by, supersededOn = @on WHERE roadmapId = @roadmapId AND version = @version"),
      withdraw: db.prepare("UPDATE roadmap_versions SET status = 'superseded', adoptedOn = NULL, adoptedBy = NULL, sheetCount = NULL, supersededBy = @by, supersededOn = NULL WHERE roadmapId = @roadmapId AND version = @version"),
    };
    for (const e of events) {
      const d = e.data as any;
      if (e.type === 'RoadmapCreated') this.st.roadmap!.run({ roadmapId: d.roadmapId, title: d.title, region: JSON.stringify(d.region), enjeux: JSON.stringify(d.enjeux), organisations: JSON.stringify(d.organisations ?? []) });
      else if (e.type === 'RoadmapVersionDrafted') this.st.draft!.run({ roadmapId: d.roadmapId, version: d.version, basedOn: d.basedOn, draftedOn: d.draftedOn, facts: d.facts ?? null });
      else if (e.type === 'RoadmapVersionAdopted') this.st.adopt!.run({ roadmapId: d.roadmapId, version: d.version, adoptedOn: d.adoptedOn, adoptedBy: d.adoptedBy, facts: d.facts, sheetCount: d.sheetCount ? JSON.stringify(d.sheetCount) : null });
      else if (e.type === 'RoadmapVersionSuperseded') this.st.supersede!.run(d);
      else if (e.type === 'RoadmapVersionAdoptionWithdrawn') this.st.withdraw!.run({ roadmapId: d.roadmapId, version: d.version, by: d.by });
    }
    for (const part of this.parts) part.apply(db, events);
  }
}
