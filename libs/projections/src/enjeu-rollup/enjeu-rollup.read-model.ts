import type { Database, Statement } from 'better-sqlite3';
import { compareVersionLabels, outcomesSetBy, type SheetEvent } from '#domain';
import { SheetTimeTravel, type SheetStreamReader, type TimeTravel } from '../sheets/sheet-time-travel.js';
import type { SheetView } from '../sheets/sheet-view.js';
import { countIntoRollup, emptyRollup, type RollupRow } from './enjeu-rollup.js';

interface Membership {
  enjeu: string | null;
  outcome: string;
  reason: string | null;
  /** The sheet as it stood in that version, once it left it; else the sheet's current document. */
  doc: SheetView | null;
}

/**
 * The roll-up per enjeu. Now, it is the enjeu_rollup view over the sheets read model. As it stood
 * (asOf) or as it was known (knownAt), each sheet of the roadmap is taken in time from the sheets'
 * snapshots (a lookup and a short fold, SheetTimeTravel.foldWith), with the same membership and
 * counting rules as the view, so that without filters both give the same rows.
 */
export class EnjeuRollupReadModel {
  private readonly statements = new Map<string, Statement>();
  private readonly timeTravel: SheetTimeTravel;

  constructor(
    private readonly db: Database,
    store: SheetStreamReader,
  ) {
    this.timeTravel = new SheetTimeTravel(db, store);
  }

  private st(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** The rows of a roadmap (or all) and version (or all), by roadmap, version, then enjeu with the unknown one first. */
  rollup(roadmapId: string | undefined, version: string | undefined): RollupRow[];
  /** The same rows in time (when asOf or knownAt is given), of one roadmap. */
  rollup(roadmapId: string, version: string | undefined, tt: TimeTravel): Promise<RollupRow[]>;
  rollup(roadmapId: string | undefined, version: string | undefined, tt?: TimeTravel): RollupRow[] | Promise<RollupRow[]> {
    if (!tt) return this.current(roadmapId, version);
    return tt.asOf || tt.knownAt ? this.rollupAt(roadmapId!, version, tt) : Promise.resolve(this.current(roadmapId, version));
  }

  private current(roadmapId: string | undefined, version: string | undefined): RollupRow[] {
    const where: string[] = [];
    if (roadmapId) where.push('roadmapId = @roadmapId');
    if (version) where.push('version = @version');
    const rows = this.st(`SELECT * FROM enjeu_rollup ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY roadmapId, version, enjeu`)
      .all({ roadmapId, version }) as RollupRow[];
    // SQL orders versions as text (V10 before V9): a stable sort puts them in the roadmap's order, enjeux staying as SQL left them.
    return rows.sort((a, b) => (a.roadmapId < b.roadmapId ? -1 : a.roadmapId > b.roadmapId ? 1 : compareVersionLabels(a.version, b.version)));
  }

  private async rollupAt(roadmapId: string, version: string | undefined, tt: TimeTravel): Promise<RollupRow[]> {
    const sheetIds = this.st('SELECT sheetId FROM sheet_summary WHERE roadmapId = ? ORDER BY sheetId').pluck().all(roadmapId) as string[];
    const groups = new Map<string, RollupRow>();
    for (const sheetId of sheetIds) {
      const folded = await this.fold(sheetId, tt);
      if (!folded) continue;
      for (const [v, m] of folded.memberships) {
        if (version !== undefined && v !== version) continue;
        const key = `${v}|${m.enjeu ?? ''}`;
        let r = groups.get(key);
        if (!r) groups.set(key, (r = emptyRollup(roadmapId, v, m.enjeu)));
        countIntoRollup(r, m.outcome, m.doc ?? folded.doc, m.reason);
      }
    }
    // The read model's order: version, then enjeu with the unknown one first.
    return [...groups.values()].sort((a, b) => compareVersionLabels(a.version, b.version) || ((a.enjeu ?? '') < (b.enjeu ?? '') ? -1 : (a.enjeu ?? '') > (b.enjeu ?? '') ? 1 : 0));
  }

  /** The sheet in time with its version memberships, from the sheets' time-travel snapshots (see SheetTimeTravel). */
  private async fold(sheetId: string, tt: TimeTravel): Promise<{ doc: SheetView; memberships: Map<string, Membership> } | null> {
    const { doc, state } = await this.timeTravel.foldWith(
      sheetId, tt,
      (kept) => new Map<string, Membership>((kept ?? []).map((m) => [m.version, { enjeu: m.enjeu, outcome: m.outcome, reason: m.reason ?? null, doc: m.doc ? (JSON.parse(m.doc) as SheetView) : null }])),
      (memberships, before, e, after) => {
        if (!after) return;
        for (const o of outcomesSetBy(before ?? { version: '', status: 'none' }, { type: e.type, data: e.data } as SheetEvent)) {
          const carried = o.outcome === 'carried_over';
          memberships.set(o.version, { enjeu: carried ? before!.enjeu : after.enjeu, outcome: o.outcome, reason: o.reason, doc: carried ? before!.left ?? null : memberships.get(o.version)?.doc ?? null });
        }
      },
    );
    return doc ? { doc, memberships: state } : null;
  }
}
