import type { Database, Statement } from 'better-sqlite3';
import { compareVersionLabels, outcomesSetBy, type SheetEvent, type SheetOutcomeKind, type VersionOutcome } from '#domain';
import { filteredSheetEvents, SheetTimeTravel, type SheetStreamReader, type TimeTravel } from './sheet-time-travel.js';
import { applySheetEvent, type LatestValue, type SheetView } from './sheet-view.js';

export interface SheetFilter {
  version?: string;
  enjeu?: string;
  status?: string;
  pilot?: string;
  roadmapId?: string;
}

/** How a sheet ended in one version: a row of sheet_versions. */
export interface SheetVersionRow {
  sheetId: string;
  roadmapId: string;
  version: string;
  number: string | null;
  enjeu: string | null;
  kind: string | null;
  title: string;
  outcome: string;
  outcomeReason: string | null;
  outcomeExplanation: string | null;
  outcomeOn: string | null;
  nextVersion: string | null;
  mergedInto: string | null;
}

/** A line of the sheet listing (GET /api/sheets). */
export interface SheetListItem {
  sheetId: string;
  roadmapId: string;
  version: string;
  number: string | null;
  kind: string | null;
  enjeu: string | null;
  title: string;
  objective: string | null;
  pilots: string[];
  partners: string[];
  status: string;
  currentVersion: string;
  indicators: number;
  indicatorsReported: number;
  milestones: number;
  milestonesReached: number;
  revision: number;
  /** Only when the listing is of one version: how the sheet ended there. */
  outcome?: VersionOutcome;
}

/** A sheet's membership of a version with its document there (and its number in the next version). */
export interface SheetInVersion extends SheetVersionRow {
  /** The sheet as it stood in this version: at its carry-over for a version it left, current otherwise. */
  doc: SheetView;
  nextNumber: string | null;
}

const VERSION_COLUMNS = 'v.sheetId, v.roadmapId, v.version, v.number, v.enjeu, v.kind, v.title, v.outcome, v.outcomeReason, v.outcomeExplanation, v.outcomeOn, v.nextVersion, v.mergedInto';

/** A version row's outcome columns, as the domain's VersionOutcome. */
export const outcomeOf = (v: SheetVersionRow): VersionOutcome => ({
  version: v.version, outcome: v.outcome as SheetOutcomeKind, reason: v.outcomeReason, explanation: v.outcomeExplanation, on: v.outcomeOn, nextVersion: v.nextVersion, mergedInto: v.mergedInto,
});

const numberKey = (n: unknown) => String(n ?? '').split('.').map((p) => p.padStart(4, '0')).join('.');

/**
 * The sheets read model (SheetsProjection's sheet_summary and sheet_versions): each sheet's current
 * document, its membership of each version, and the sheet in time (SheetTimeTravel). Statements are
 * prepared once per instance, on first use (the tables may not exist yet when it is built).
 */
export class SheetsReadModel {
  private readonly timeTravel: SheetTimeTravel;
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database, private readonly store: SheetStreamReader) {
    this.timeTravel = new SheetTimeTravel(db, store);
  }

  private st(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) this.statements.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** The sheet's current document, or null; with `version`, its document in that version (null if it did not belong to it). */
  get(sheetId: string, options: { version?: string } = {}): SheetView | null {
    const doc = options.version === undefined
      ? this.st('SELECT doc FROM sheet_summary WHERE sheetId = ?').pluck().get(sheetId) as string | undefined
      : this.st(`SELECT COALESCE(v.doc, s.doc) FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
          WHERE v.sheetId = ? AND v.version = ?`).pluck().get(sheetId, options.version) as string | undefined;
    return doc === undefined ? null : (JSON.parse(doc) as SheetView);
  }

  /** The sheet as it stood (asOf) or as it was known (knownAt), folded from the log; without either, the current document. */
  async at(sheetId: string, tt: TimeTravel): Promise<SheetView | null> {
    if (!tt.asOf && !tt.knownAt) return this.get(sheetId);
    return this.timeTravel.at(sheetId, tt);
  }

  /**
   * The sheet's document in `version` as it stood (asOf) or was known (knownAt), beside its document
   * then (`current`): once carried over, the one it left that version with, folded under the same
   * bounds, never the next version's. `inVersion` is null when the sheet was not in `version`.
   */
  async atInVersion(sheetId: string, version: string, tt: TimeTravel): Promise<{ inVersion: SheetView | null; current: SheetView | null }> {
    const { doc, state } = await this.timeTravel.foldWith(
      sheetId, tt,
      // A fold started from a snapshot taken after the carry-over finds the document it left there.
      (memberships) => ({ left: ((d) => (d ? (JSON.parse(d) as SheetView) : null))(memberships?.find((m) => m.version === version)?.doc ?? null) }),
      (s, before) => { if (before?.left && before.version === version) s.left = before.left; },
    );
    if (!doc) return { inVersion: null, current: null };
    return { inVersion: doc.version === version ? doc : state.left, current: doc };
  }

  /** The sheet as it stood on `asOf` (valid time), as the tracker knows it now. */
  asOf(sheetId: string, asOf: string): Promise<SheetView | null> {
    return this.timeTravel.asOf(sheetId, asOf);
  }

  /**
   * The listing: with `version`, the sheets of that version as they were there (their document in
   * that version, and how they ended there); otherwise each sheet in its current version. In version
   * then number order.
   */
  list(filter: SheetFilter): SheetListItem[] {
    const params = { version: filter.version, roadmapId: filter.roadmapId, enjeu: filter.enjeu, status: filter.status, pilot: filter.pilot };
    if (filter.version) {
      const where = ['v.version = @version'];
      if (filter.roadmapId) where.push('v.roadmapId = @roadmapId');
      if (filter.enjeu) where.push('v.enjeu = @enjeu');
      if (filter.status) where.push("(CASE WHEN v.outcome = 'active' THEN s.status ELSE v.outcome END) = @status");
      if (filter.pilot) where.push("EXISTS (SELECT 1 FROM json_each(COALESCE(v.doc, s.doc), '$.pilots') WHERE value = @pilot)");
      const rows = this.st(`SELECT ${VERSION_COLUMNS}, COALESCE(v.doc, s.doc) AS doc, s.version AS currentVersion FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
        WHERE ${where.join(' AND ')}`).all(params) as Array<SheetVersionRow & { doc: string; currentVersion: string }>;
      return sortByNumber(rows.map((r) => listItem(JSON.parse(r.doc) as SheetView, r, r.currentVersion)));
    }
    const where: string[] = [];
    if (filter.roadmapId) where.push('roadmapId = @roadmapId');
    if (filter.enjeu) where.push('enjeu = @enjeu');
    if (filter.status) where.push('status = @status');
    if (filter.pilot) where.push('EXISTS (SELECT 1 FROM json_each(pilots) WHERE value = @pilot)');
    const docs = this.st(`SELECT doc FROM sheet_summary ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).pluck().all(params) as string[];
    return sortByNumber(docs.map((doc) => listItem(JSON.parse(doc) as SheetView)));
  }

  /** Current documents, optionally of one roadmap or one sheet, in no particular order. */
  documents(filter: { roadmapId?: string; sheetId?: string } = {}): SheetView[] {
    const docs = this.st('SELECT doc FROM sheet_summary WHERE (@roadmapId IS NULL OR roadmapId = @roadmapId) AND (@sheetId IS NULL OR sheetId = @sheetId)')
      .pluck().all({ roadmapId: filter.roadmapId ?? null, sheetId: filter.sheetId ?? null }) as string[];
    return docs.map((doc) => JSON.parse(doc) as SheetView);
  }

  /** Every version a sheet belonged to, with how it ended there. */
  versions(sheetId: string): SheetVersionRow[] {
    return this.st(`SELECT ${VERSION_COLUMNS} FROM sheet_versions v WHERE v.sheetId = ?`).all(sheetId) as SheetVersionRow[];
  }

  /** The sheets of a roadmap version, with how each ended there. */
  inVersion(roadmapId: string, version: string): SheetVersionRow[] {
    return this.st(`SELECT ${VERSION_COLUMNS} FROM sheet_versions v WHERE v.roadmapId = ? AND v.version = ?`).all(roadmapId, version) as SheetVersionRow[];
  }

  /**
   * Memberships with the current document: of `version` when given, else of each sheet's current
   * version; optionally of one roadmap or one sheet. `nextNumber` is the sheet's number in the
   * version it was carried over to.
   */
  members(filter: { version?: string; roadmapId?: string; sheetId?: string }): SheetInVersion[] {
    const rows = this.st(`SELECT ${VERSION_COLUMNS}, COALESCE(v.doc, s.doc) AS doc, n.number AS nextNumber
      FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
      LEFT JOIN sheet_versions n ON n.sheetId = v.sheetId AND n.version = v.nextVersion
      WHERE (CASE WHEN @version IS NULL THEN v.version = s.version ELSE v.version = @version END)
        AND (@roadmapId IS NULL OR v.roadmapId = @roadmapId) AND (@sheetId IS NULL OR v.sheetId = @sheetId)`)
      .all({ version: filter.version ?? null, roadmapId: filter.roadmapId ?? null, sheetId: filter.sheetId ?? null }) as Array<SheetVersionRow & { doc: string; nextNumber: string | null }>;
    return rows.map((r) => ({ ...r, doc: JSON.parse(r.doc) as SheetView }));
  }

  /**
   * The memberships of one roadmap version as known at `knownAt`, each with the sheet's document as
   * known then: each sheet of the version is folded from its stream cut at that instant, and its
   * version rows are kept as SheetsProjection writes them (the same outcome rule, the row of a carried
   * over sheet keeping the number, enjeu and title it had in the version it left).
   */
  async membersKnownAt(roadmapId: string, version: string, knownAt: string): Promise<SheetInVersion[]> {
    // A version row is updated, never removed: the sheets of the version then are among those of it now.
    const sheetIds = this.st('SELECT sheetId FROM sheet_versions WHERE roadmapId = ? AND version = ? ORDER BY sheetId').pluck().all(roadmapId, version) as string[];
    const out: SheetInVersion[] = [];
    for (const sheetId of sheetIds) {
      let doc: SheetView | null = null;
      const reports = new Map<string, Map<string, LatestValue>>();
      const rows = new Map<string, SheetVersionRow>();
      // The document of each version the sheet left, as it stood at the carry-over (as sheet_versions keeps it).
      const left = new Map<string, SheetView>();
      for await (const e of filteredSheetEvents(this.store, sheetId, { knownAt })) {
        // The fold may change the document in place: what the carried-over row shows is read before it.
        const before = doc ? { version: doc.version, status: doc.status, number: doc.number, enjeu: doc.enjeu, kind: doc.kind, title: doc.title } : null;
        if (doc && e.type === 'SheetCarriedOver') left.set(doc.version, structuredClone(doc));
        doc = applySheetEvent(doc, e, reports);
        if (!doc) continue;
        for (const o of outcomesSetBy(before ?? { version: '', status: 'none' }, { type: e.type, data: e.data } as SheetEvent)) {
          const shown = o.outcome === 'carried_over' && before ? before : doc;
          rows.set(o.version, {
            sheetId: doc.sheetId, roadmapId: doc.roadmapId, version: o.version, number: shown.number, enjeu: shown.enjeu, kind: shown.kind, title: shown.title,
            outcome: o.outcome, outcomeReason: o.reason, outcomeExplanation: o.explanation, outcomeOn: o.on, nextVersion: o.nextVersion, mergedInto: o.mergedInto,
          });
        }
      }
      const row = rows.get(version);
      if (!doc || !row || row.roadmapId !== roadmapId) continue;
      out.push({ ...row, doc: left.get(version) ?? doc, nextNumber: row.nextVersion ? rows.get(row.nextVersion)?.number ?? null : null });
    }
    return out;
  }

  /** The sheets whose `continues` names this one, in id order. */
  continuedBy(sheetId: string): string[] {
    return this.st(`SELECT sheetId FROM sheet_summary s WHERE EXISTS (SELECT 1 FROM json_each(s.doc, '$.continues') WHERE value = ?) ORDER BY sheetId`)
      .pluck().all(sheetId) as string[];
  }

  /** The sheets this one continues (its `continues`). */
  continues(sheetId: string): string[] {
    return this.st(`SELECT value FROM sheet_summary, json_each(sheet_summary.doc, '$.continues') WHERE sheetId = ?`).pluck().all(sheetId) as string[];
  }

  /** The sheets that were merged into this one, in id order. */
  mergedFrom(sheetId: string): string[] {
    return this.st('SELECT DISTINCT sheetId FROM sheet_versions WHERE mergedInto = ? ORDER BY sheetId').pluck().all(sheetId) as string[];
  }
}

function listItem(doc: SheetView, versionRow?: SheetVersionRow, currentVersion = doc.version): SheetListItem {
  const base: SheetListItem = {
    sheetId: doc.sheetId, roadmapId: doc.roadmapId, version: versionRow?.version ?? doc.version, number: versionRow?.number ?? doc.number,
    kind: versionRow?.kind ?? doc.kind, enjeu: versionRow?.enjeu ?? doc.enjeu, title: versionRow?.title ?? doc.title, objective: doc.objective,
    pilots: doc.pilots, partners: doc.partners, status: doc.status, currentVersion,
    indicators: doc.indicators.length, indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length,
    milestones: doc.milestones.length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
    revision: doc.revision,
  };
  return versionRow ? { ...base, outcome: outcomeOf(versionRow) } : base;
}

function sortByNumber(rows: SheetListItem[]): SheetListItem[] {
  return rows.sort((a, b) => compareVersionLabels(a.version, b.version) || numberKey(a.number).localeCompare(numberKey(b.number)));
}
