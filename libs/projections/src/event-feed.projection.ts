import type { Database, Statement } from 'better-sqlite3';
import type { StoredEvent } from '../../event-store/src/index.js';
import type { Projection } from './projection.js';

/** One line per event, in words: what the dashboards' "latest changes" and the audit trail list. */
export function describeEvent(e: StoredEvent): string {
  const d = e.data as Record<string, any>;
  switch (e.type) {
    case 'RoadmapCreated': return `Feuille de route « ${d.title} » créée`;
    case 'RoadmapVersionDrafted': return `Version ${d.version} en préparation${d.basedOn ? ` (à partir de ${d.basedOn})` : ''}`;
    case 'RoadmapVersionAdopted': return `Version ${d.version} adoptée (${d.adoptedOn})`;
    case 'SheetCreated': return `Fiche ${d.number} « ${d.title} » créée dans ${d.version}`;
    case 'SheetRevised': return `Fiche révisée : ${Object.keys(d.changes ?? {}).join(', ')}`;
    case 'IndicatorAdded': return `Indicateur ajouté : ${d.indicator?.name}`;
    case 'MilestoneAdded': return `Jalon ajouté : ${d.milestone?.title}`;
    case 'IndicatorTargetSet': return `Cible de ${d.indicatorId} : ${d.target?.value} au ${d.target?.by}`;
    case 'IndicatorReported': return `${d.indicatorId} = ${d.value} au ${d.observedOn}${d.territory ? ` (${d.territory})` : ''}`;
    case 'IndicatorReportCorrected': return `Correction de ${d.indicatorId} : ${d.value} au ${d.observedOn} (${d.reason})`;
    case 'MilestoneReached': return `Jalon ${d.milestoneId} atteint le ${d.reachedOn}`;
    case 'MilestoneRescheduled': return `Jalon ${d.milestoneId} reporté à ${d.due}`;
    case 'ProjectCompleted': return `Fiche achevée le ${d.completedOn}`;
    case 'ProjectAbandoned': return `Fiche abandonnée le ${d.effectiveOn} (${d.reason})`;
    case 'SheetRetired': return `Fiche retirée après ${d.version} (${d.reason})`;
    case 'SheetCarriedOver': return `Fiche reconduite de ${d.fromVersion} vers ${d.toVersion}`;
    default: return e.type;
  }
}

export class EventFeedProjection implements Projection {
  readonly name = 'event-feed';
  readonly version = 1;
  readonly tables = ['event_feed'] as const;
  private insert: Statement | null = null;

  setup(db: Database): void {
    db.exec(`CREATE TABLE IF NOT EXISTS event_feed (
      position INTEGER PRIMARY KEY, eventId TEXT NOT NULL, type TEXT NOT NULL, stream TEXT NOT NULL, sheetId TEXT,
      revision INTEGER NOT NULL, recordedAt TEXT NOT NULL, actor TEXT NOT NULL, source TEXT NOT NULL, correlationId TEXT NOT NULL, summary TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS event_feed_by_sheet ON event_feed (sheetId, position);`);
    this.insert = null;
  }

  apply(db: Database, events: readonly StoredEvent[]): void {
    this.insert ??= db.prepare(`INSERT INTO event_feed VALUES (@position, @eventId, @type, @stream, @sheetId, @revision, @recordedAt, @actor, @source, @correlationId, @summary)`);
    for (const e of events) {
      this.insert.run({
        position: e.position, eventId: e.id, type: e.type, stream: e.stream, sheetId: e.stream.startsWith('sheet-') ? e.stream.slice(6) : null,
        revision: e.revision, recordedAt: e.metadata.recordedAt, actor: e.metadata.actor, source: e.metadata.source,
        correlationId: e.metadata.correlationId, summary: describeEvent(e),
      });
    }
  }
}
