import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { sheetStream } from '#domain';
import type { EventStore, StoredEvent } from '#event-store';
import { applySheetEvent, countIntoRollup, emptyRollup, validDayOf, type LatestValue, type RollupRow, type SheetView } from '#projections';
import { EVENT_STORE, READ_DB } from '../infrastructure/tokens.js';
import type { TimeTravel } from '../sheets/queries/sheet-queries.service.js';

export type { RollupRow };

interface Membership {
  enjeu: string | null;
  outcome: string;
}

/** Events read at a time when a sheet's stream is folded. */
const FOLD_CHUNK = 2000;

/**
 * The roll-up per enjeu as it stood (asOf) or as it was known (knownAt): each sheet of the roadmap is
 * folded from its filtered stream, with the same membership and counting rules as the enjeu_rollup
 * read model, so that without filters both give the same rows.
 */
@Injectable()
export class RollupAt {
  constructor(
    @Inject(READ_DB) private readonly db: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async rollup(roadmapId: string, version: string | undefined, tt: TimeTravel): Promise<RollupRow[]> {
    const sheetIds = (this.db.prepare('SELECT sheetId FROM sheet_summary WHERE roadmapId = ? ORDER BY sheetId').pluck().all(roadmapId) as string[]);
    const groups = new Map<string, RollupRow>();
    for (const sheetId of sheetIds) {
      const folded = await this.fold(sheetId, tt);
      if (!folded) continue;
      for (const [v, m] of folded.memberships) {
        if (version !== undefined && v !== version) continue;
        const key = `${v}|${m.enjeu ?? ''}`;
        let r = groups.get(key);
        if (!r) groups.set(key, (r = emptyRollup(roadmapId, v, m.enjeu)));
        countIntoRollup(r, m.outcome, folded.doc);
      }
    }
    // The read model's order: version, then enjeu with the unknown one first.
    return [...groups.values()].sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : (a.enjeu ?? '') < (b.enjeu ?? '') ? -1 : (a.enjeu ?? '') > (b.enjeu ?? '') ? 1 : 0));
  }

  private async fold(sheetId: string, tt: TimeTravel): Promise<{ doc: SheetView; memberships: Map<string, Membership> } | null> {
    const stream = sheetStream(sheetId);
    const last = await this.store.streamRevision(stream);
    let doc: SheetView | null = null;
    const reports = new Map<string, Map<string, LatestValue>>();
    const memberships = new Map<string, Membership>();
    // Read in chunks of revisions: only the fold's state stays in memory, never a whole long stream.
    for (let fromRevision = 0; fromRevision <= last; fromRevision += FOLD_CHUNK) {
      const chunk = await this.store.readStream(stream, { fromRevision, toRevision: Math.min(last, fromRevision + FOLD_CHUNK - 1), ...(tt.knownAt ? { recordedUntil: tt.knownAt } : {}) });
      for (const e of chunk) {
        const day = tt.asOf ? validDayOf(e) : null;
        if (day !== null && day > tt.asOf!) continue;
        doc = this.step(doc, e, reports, memberships);
      }
    }
    return doc ? { doc, memberships } : null;
  }

  private step(doc: SheetView | null, e: StoredEvent, reports: Map<string, Map<string, LatestValue>>, memberships: Map<string, Membership>): SheetView | null {
    const previous: Membership & { version: string } | null = doc ? { version: doc.version, enjeu: doc.enjeu, outcome: '' } : null;
    doc = applySheetEvent(doc, e, reports);
    if (!doc) return doc;
    const d = e.data as Record<string, any>;
    switch (e.type) {
      case 'SheetCreated':
      case 'SheetRevised':
        memberships.set(doc.version, { enjeu: doc.enjeu, outcome: doc.status === 'active' ? 'active' : doc.status });
        break;
      case 'ProjectCompleted':
        memberships.set(doc.version, { enjeu: doc.enjeu, outcome: 'completed' });
        break;
      case 'ProjectAbandoned':
        memberships.set(doc.version, { enjeu: doc.enjeu, outcome: 'abandoned' });
        break;
      case 'SheetRetired':
        memberships.set(d.version as string, { enjeu: doc.enjeu, outcome: doc.closure ? doc.closure.kind : 'retired' });
        break;
      case 'SheetCarriedOver':
        memberships.set(d.fromVersion as string, { enjeu: previous!.enjeu, outcome: 'carried_over' });
        memberships.set(d.toVersion as string, { enjeu: doc.enjeu, outcome: 'active' });
        break;
      default:
        break;
    }
    return doc;
  }
}
