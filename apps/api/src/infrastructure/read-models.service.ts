import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { compareVersionLabels, notFound } from '#domain';
import type { SheetView } from '#projections';
import { READ_DB } from './tokens.js';

export interface SheetFilter {
  version?: string;
  enjeu?: string;
  status?: string;
  pilot?: string;
  roadmapId?: string;
}

export interface SeriesPoint {
  reportId: string;
  observedOn: string;
  value: number;
  territory: string | null;
  zone: string | null;
  recordedAt: string;
  corrected: boolean;
}

/** Queries over the read models (never over the log, except the history endpoints). */
@Injectable()
export class ReadModels {
  constructor(@Inject(READ_DB) private readonly db: Database) {}

  listSheets(filter: SheetFilter): Array<Record<string, unknown>> {
    if (filter.version) {
      const where = ['v.version = @version'];
      if (filter.roadmapId) where.push('v.roadmapId = @roadmapId');
      if (filter.enjeu) where.push('v.enjeu = @enjeu');
      if (filter.status) where.push("(CASE WHEN v.outcome = 'active' THEN s.status ELSE v.outcome END) = @status");
      if (filter.pilot) where.push('EXISTS (SELECT 1 FROM json_each(s.pilots) WHERE value = @pilot)');
      const rows = this.db.prepare(`SELECT v.*, s.status AS currentStatus, s.version AS currentVersion, s.doc FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
        WHERE ${where.join(' AND ')}`).all(filter) as Array<Record<string, any>>;
      return sortByNumber(rows.map((r) => this.listItem(JSON.parse(r.doc) as SheetView, r)));
    }
    const where: string[] = [];
    if (filter.roadmapId) where.push('roadmapId = @roadmapId');
    if (filter.enjeu) where.push('enjeu = @enjeu');
    if (filter.status) where.push('status = @status');
    if (filter.pilot) where.push('EXISTS (SELECT 1 FROM json_each(pilots) WHERE value = @pilot)');
    const rows = this.db.prepare(`SELECT doc FROM sheet_summary ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).all(filter) as { doc: string }[];
    return sortByNumber(rows.map((r) => this.listItem(JSON.parse(r.doc) as SheetView)));
  }

  private listItem(doc: SheetView, versionRow?: Record<string, any>): Record<string, unknown> {
    const base = {
      sheetId: doc.sheetId, roadmapId: doc.roadmapId, version: versionRow?.version ?? doc.version, number: versionRow?.number ?? doc.number,
      kind: versionRow?.kind ?? doc.kind, enjeu: versionRow?.enjeu ?? doc.enjeu, title: versionRow?.title ?? doc.title, objective: doc.objective,
      pilots: doc.pilots, partners: doc.partners, status: doc.status, currentVersion: doc.version,
      indicators: doc.indicators.length, indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length,
      milestones: doc.milestones.length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
      revision: doc.revision,
    };
    if (!versionRow) return base;
    return {
      ...base,
      outcome: {
        outcome: versionRow.outcome, reason: versionRow.outcomeReason, explanation: versionRow.outcomeExplanation, on: versionRow.outcomeOn,
        nextVersion: versionRow.nextVersion, mergedInto: versionRow.mergedInto,
      },
    };
  }

  getSheet(sheetId: string): SheetView {
    const row = this.db.prepare('SELECT doc FROM sheet_summary WHERE sheetId = ?').get(sheetId) as { doc: string } | undefined;
    if (!row) throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    return JSON.parse(row.doc) as SheetView;
  }

  series(sheetId: string, indicatorId: string, opts: { territory?: string; asOf?: string; knownAt?: string; aggregate?: boolean }): SeriesPoint[] {
    const sheet = this.getSheet(sheetId);
    if (!sheet.indicators.some((i) => i.indicatorId === indicatorId)) throw notFound('indicator_not_found', `sheet ${sheetId} has no indicator ${indicatorId}`, { indicatorId });
    const params: Record<string, unknown> = { sheetId, indicatorId, territory: opts.territory ?? null, asOf: opts.asOf ?? null, knownAt: opts.knownAt ?? null };
    // With knownAt, a report shows the value of its last correction recorded by then (or its original).
    const value = opts.knownAt
      ? `COALESCE((SELECT c.value FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalValue)`
      : 'r.value';
    const observedOn = opts.knownAt
      ? `COALESCE((SELECT c.observedOn FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt ORDER BY c.position DESC LIMIT 1), r.originalObservedOn)`
      : 'r.observedOn';
    const corrected = opts.knownAt
      ? `EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId AND c.recordedAt <= @knownAt)`
      : `EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId)`;
    const rows = this.db.prepare(`SELECT * FROM (SELECT r.reportId, ${observedOn} AS observedOn, ${value} AS value, r.territory, r.zone, r.recordedAt, r.position, ${corrected} AS corrected
        FROM indicator_reports r WHERE r.sheetId = @sheetId AND r.indicatorId = @indicatorId
        ${opts.knownAt ? 'AND r.recordedAt <= @knownAt' : ''}
        ${opts.territory ? 'AND r.territory IS @territory' : ''})
      ${opts.asOf ? 'WHERE observedOn <= @asOf' : ''}
      ORDER BY observedOn, position`).all(params) as Array<Omit<SeriesPoint, "corrected"> & { position: number; corrected: number }>;
    return rows.map((r) => ({ reportId: r.reportId, observedOn: r.observedOn, value: r.value, territory: r.territory, zone: r.zone, recordedAt: r.recordedAt, corrected: Boolean(r.corrected) }));
  }

  /** Region-level series built from department reports when the region itself was not reported. */
  seriesByRegion(points: SeriesPoint[]): Array<{ observedOn: string; value: number; territories: string[]; source: 'region' | 'sum-of-departments' }> {
    const byDate = new Map<string, SeriesPoint[]>();
    for (const p of points) byDate.set(`${p.observedOn}|${p.zone ?? ''}`, [...(byDate.get(`${p.observedOn}|${p.zone ?? ''}`) ?? []), p]);
    const out: Array<{ observedOn: string; value: number; territories: string[]; source: 'region' | 'sum-of-departments' }> = [];
    for (const [key, group] of byDate) {
      const observedOn = key.split('|')[0]!;
      const region = group.filter((p) => p.territory === null || p.territory === '24').at(-1);
      if (region) out.push({ observedOn, value: region.value, territories: [region.territory ?? '24'], source: 'region' });
      else out.push({ observedOn, value: group.reduce((s, p) => s + p.value, 0), territories: group.map((p) => p.territory!).sort(), source: 'sum-of-departments' });
    }
    return out.sort((a, b) => a.observedOn.localeCompare(b.observedOn));
  }

  rollup(roadmapId: string | undefined, version: string | undefined): Array<Record<string, unknown>> {
    const where: string[] = [];
    if (roadmapId) where.push('roadmapId = @roadmapId');
    if (version) where.push('version = @version');
    const rows = this.db.prepare(`SELECT * FROM enjeu_rollup ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY roadmapId, version, enjeu`).all({ roadmapId, version }) as Array<{ roadmapId: string; version: string }>;
    // SQL orders versions as text (V10 before V9): a stable sort puts them in the roadmap's order, enjeux staying as SQL left them.
    return rows.sort((a, b) => (a.roadmapId < b.roadmapId ? -1 : a.roadmapId > b.roadmapId ? 1 : compareVersionLabels(a.version, b.version))) as Array<Record<string, unknown>>;
  }

  feed(after: number, limit: number, sheetId?: string): Array<Record<string, unknown>> {
    return this.db.prepare(`SELECT * FROM event_feed WHERE position > ? ${sheetId ? 'AND sheetId = ?' : ''} ORDER BY position LIMIT ?`)
      .all(...(sheetId ? [after, sheetId, limit] : [after, limit])) as Array<Record<string, unknown>>;
  }

  roadmaps(): Array<Record<string, unknown>> {
    const roadmaps = this.db.prepare('SELECT * FROM roadmaps ORDER BY roadmapId').all() as Array<Record<string, any>>;
    const versions = this.db.prepare('SELECT * FROM roadmap_versions WHERE roadmapId = ?');
    return roadmaps.map((r) => ({
      roadmapId: r.roadmapId, title: r.title, region: JSON.parse(r.region), enjeux: JSON.parse(r.enjeux), organisations: JSON.parse(r.organisations),
      versions: (versions.all(r.roadmapId) as Array<Record<string, any>>).sort((a, b) => compareVersionLabels(a.version, b.version)),
    }));
  }

  roadmap(roadmapId: string): Record<string, unknown> {
    const found = this.roadmaps().find((r) => r.roadmapId === roadmapId);
    if (!found) throw notFound('roadmap_not_found', `no roadmap ${roadmapId}`, { roadmapId });
    return found;
  }
}

const numberKey = (n: unknown) => String(n).split('.').map((p) => p.padStart(4, '0')).join('.');
function sortByNumber<T extends Record<string, unknown>>(rows: T[]): T[] {
  return rows.sort((a, b) => compareVersionLabels(String(a.version), String(b.version)) || numberKey(a.number).localeCompare(numberKey(b.number)));
}
