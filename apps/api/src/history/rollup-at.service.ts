import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { compareVersionLabels, outcomesSetBy, sheetStream, type SheetEvent } from '#domain';
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
    return [...groups.values()].sort((a, b) => compareVersionLabels(a.version, b.version) || ((a.enjeu ?? '') < (b.enjeu ?? '') ? -1 : (a.enjeu ?? '') > (b.enjeu ?? '') ? 1 : 0));
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
    const before = doc ? { version: doc.version, status: doc.status, enjeu: doc.enjeu } : null;
    doc = applySheetEvent(doc, e, reports);
    if (!doc) return doc;
    for (const o of outcomesSetBy(before ?? { version: '', status: 'none' }, { type: e.type, data: e.data } as SheetEvent)) {
      memberships.set(o.version, { enjeu: o.outcome === 'carried_over' ? before!.enjeu : doc.enjeu, outcome: o.outcome });
    }
    return doc;
  }
}
