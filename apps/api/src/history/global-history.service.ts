import { Inject, Injectable } from '@nestjs/common';
import { evolveRoadmap, initialRoadmapState, invalid, sheetIdOf, type RoadmapEvent, type RoadmapState } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { applySheetEvent, EventFeedReadModel, validDayOf, type LatestValue, type SheetView } from '#projections';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { diffViews } from '../sheets/queries/sheet-queries.service.js';

/** What an event type's name looks like (`IndicatorReported`). */
export const EVENT_TYPE_NAME = /^[A-Z][A-Za-z]{1,60}$/;

export interface HistoryQuery {
  after: number;
  limit: number;
  actor?: string;
  type?: string;
}

type Change = { path: string; before: unknown; after: unknown };

const roadmapSnapshot = (s: RoadmapState) => ({ title: s.title, region: s.region, enjeux: s.enjeux, versions: Object.fromEntries(s.versions) });

/**
 * The audit trail across every stream. The event feed (a read model) finds the positions that match
 * the filters; each matching event's envelope and what it changed come from folding its stream, once
 * per stream on the page.
 */
@Injectable()
export class GlobalHistory {
  constructor(
    @Inject(EventFeedReadModel) private readonly feed: EventFeedReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async list(q: HistoryQuery): Promise<{ events: unknown[]; next: number; head: number }> {
    if (q.type !== undefined && !EVENT_TYPE_NAME.test(q.type)) throw invalid('invalid_query', 'type must be an event type such as IndicatorReported', { field: 'type' });
    const rows = this.feed.page(q);
    const wanted = new Map<string, Set<number>>();
    for (const r of rows) {
      if (!wanted.has(r.stream)) wanted.set(r.stream, new Set());
      wanted.get(r.stream)!.add(r.revision);
    }
    const found = new Map<number, unknown>();
    for (const [stream, revisions] of wanted) {
      const events = await this.store.readStream(stream, { toRevision: Math.max(...revisions) });
      for (const item of sheetIdOf(stream) !== null ? this.sheetChanges(events, revisions) : this.roadmapChanges(events, revisions)) found.set(item.position, item);
    }
    const events = rows.map((r) => found.get(r.position)).filter((e) => e !== undefined);
    return { events, next: rows.length ? rows[rows.length - 1]!.position : q.after, head: await this.store.headPosition() };
  }

  private entry(e: StoredEvent, changes: Change[]) {
    return {
      id: e.id, type: e.type, stream: e.stream, sheetId: sheetIdOf(e.stream), revision: e.revision, position: e.position,
      recordedAt: e.metadata.recordedAt, validOn: validDayOf(e), actor: e.metadata.actor, source: e.metadata.source,
      correlationId: e.metadata.correlationId, causationId: e.metadata.causationId, data: e.data, changes,
    };
  }

  private sheetChanges(events: StoredEvent[], revisions: Set<number>) {
    let doc: SheetView | null = null;
    const reports = new Map<string, Map<string, LatestValue>>();
    const out = [];
    for (const e of events) {
      const keep = revisions.has(e.revision);
      const before: SheetView | null = keep && doc ? structuredClone(doc) : null;
      doc = applySheetEvent(doc, e, reports);
      if (keep) out.push(this.entry(e, doc ? diffViews(before, doc) : []));
    }
    return out;
  }

  private roadmapChanges(events: StoredEvent[], revisions: Set<number>) {
    let state = initialRoadmapState();
    const out = [];
    for (const e of events) {
      const before = roadmapSnapshot(state) as Record<string, unknown>;
      state = evolveRoadmap(state, { type: e.type, data: e.data } as RoadmapEvent);
      if (!revisions.has(e.revision)) continue;
      const after = roadmapSnapshot(state) as Record<string, unknown>;
      const changes: Change[] = [];
      for (const key of Object.keys(after)) {
        if (key === 'versions') {
          const b = before.versions as Record<string, unknown>;
          const a = after.versions as Record<string, unknown>;
          for (const v of Object.keys(a)) if (JSON.stringify(b[v]) !== JSON.stringify(a[v])) changes.push({ path: `versions.${v}`, before: b[v] ?? null, after: a[v] });
        } else if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
          changes.push({ path: key, before: before[key] ?? null, after: after[key] });
        }
      }
      out.push(this.entry(e, changes));
    }
    return out;
  }
}
