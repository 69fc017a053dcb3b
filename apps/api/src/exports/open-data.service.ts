import { Inject, Injectable } from '@nestjs/common';
import type { Database } from 'better-sqlite3';
import { compareVersionLabels, finalTarget, invalid, isCalendarDate, parseVersionLabel, REGION_CODE, TERRITORIES } from '#domain';
import type { SheetView } from '#projections';
import type { Target } from '#domain';
import { READ_DB } from '../infrastructure/tokens.js';
import type { CsvValue } from './csv-writer.js';

export type Row = Record<string, CsvValue>;

export interface ExportFilter {
  roadmapId?: string;
  sheetId?: string;
  /** Sheets dataset: the sheets of that version (default: each sheet in its current version). */
  version?: string;
  /** Series dataset: only values observed on or before this day. */
  asOf?: string;
}

export function parseExportFilter(query: Record<string, string | undefined>): ExportFilter {
  if (query.asOf !== undefined && !isCalendarDate(query.asOf)) throw invalid('invalid_date', 'asOf must be a real calendar date (YYYY-MM-DD)', { field: 'asOf' });
  if (query.version !== undefined) parseVersionLabel(query.version);
  return { roadmapId: query.roadmapId, sheetId: query.sheetId, version: query.version, asOf: query.asOf };
}

/** The target in force on a day: the largest among those of the first date on or after it, else the final one. */
export function targetOn(ind: { targets: Target[] }, day: string): Target | null {
  const next = ind.targets.filter((t) => t.by >= day).map((t) => t.by).sort()[0];
  return next ? finalTarget({ targets: ind.targets.filter((t) => t.by === next) }) : finalTarget(ind);
}

interface Enjeu { enjeuId: string; number: number; title: string }

const numberKey = (n: unknown) => String(n ?? '').split('.').map((p) => p.padStart(4, '0')).join('.');
const joined = (ids: readonly string[] | null | undefined) => (ids ?? []).join(';');

/**
 * Builds the open-data rows from the read models. Public data only: the event log's actors and
 * correlation ids never appear here.
 */
@Injectable()
export class OpenDataExports {
  constructor(@Inject(READ_DB) private readonly db: Database) {}

  private enjeux(): Map<string, Map<string, Enjeu>> {
    const out = new Map<string, Map<string, Enjeu>>();
    for (const r of this.db.prepare('SELECT roadmapId, enjeux FROM roadmaps').all() as { roadmapId: string; enjeux: string }[]) {
      out.set(r.roadmapId, new Map((JSON.parse(r.enjeux) as Enjeu[]).map((e) => [e.enjeuId, e])));
    }
    return out;
  }

  private keys(enjeux: Map<string, Map<string, Enjeu>>, s: { roadmapId: string; sheetId: string; version: string; number: string; enjeu: string | null }): Row {
    const enjeu = s.enjeu ? enjeux.get(s.roadmapId)?.get(s.enjeu) : undefined;
    return { roadmapId: s.roadmapId, sheetId: s.sheetId, version: s.version, sheetNumber: s.number, enjeuId: s.enjeu, enjeuNumber: enjeu?.number ?? null, enjeuTitle: enjeu?.title ?? null };
  }

  private docs(filter: ExportFilter): SheetView[] {
    const rows = this.db.prepare(`SELECT doc FROM sheet_summary WHERE (@roadmapId IS NULL OR roadmapId = @roadmapId) AND (@sheetId IS NULL OR sheetId = @sheetId)`)
      .all({ roadmapId: filter.roadmapId ?? null, sheetId: filter.sheetId ?? null }) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as SheetView).sort((a, b) => `${a.roadmapId}|${numberKey(a.number)}`.localeCompare(`${b.roadmapId}|${numberKey(b.number)}`));
  }

  sheets(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const rows = this.db.prepare(`SELECT v.*, s.doc FROM sheet_versions v JOIN sheet_summary s ON s.sheetId = v.sheetId
      WHERE (CASE WHEN @version IS NULL THEN v.version = s.version ELSE v.version = @version END)
        AND (@roadmapId IS NULL OR v.roadmapId = @roadmapId) AND (@sheetId IS NULL OR v.sheetId = @sheetId)`)
      .all({ version: filter.version ?? null, roadmapId: filter.roadmapId ?? null, sheetId: filter.sheetId ?? null }) as Array<Record<string, any>>;
    return rows
      .sort((a, b) => a.roadmapId.localeCompare(b.roadmapId) || compareVersionLabels(a.version, b.version) || numberKey(a.number).localeCompare(numberKey(b.number)))
      .map((v) => {
        const doc = JSON.parse(v.doc) as SheetView;
        return {
          ...this.keys(enjeux, { roadmapId: v.roadmapId, sheetId: v.sheetId, version: v.version, number: v.number, enjeu: v.enjeu }),
          kind: v.kind, title: v.title, objective: doc.objective, status: doc.status, outcome: v.outcome, outcomeDate: v.outcomeOn,
          nextVersion: v.nextVersion, mergedInto: v.mergedInto, pilots: joined(doc.pilots), partners: joined(doc.partners),
          indicatorCount: doc.indicators.length, indicatorsReported: doc.indicators.filter((i) => i.reportCount > 0).length,
          milestoneCount: doc.milestones.length, milestonesReached: doc.milestones.filter((m) => m.reachedOn).length,
        };
      });
  }

  indicators(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const out: Row[] = [];
    for (const doc of this.docs(filter)) {
      for (const ind of doc.indicators) {
        const target = finalTarget(ind);
        out.push({
          ...this.keys(enjeux, doc), sheetTitle: doc.title, indicatorId: ind.indicatorId, indicatorName: ind.name, unit: ind.unit,
          targetValue: target?.value ?? null, targetDate: target?.by ?? null, targetLabel: target?.label ?? null,
          targets: ind.targets.map((t) => `${t.value}@${t.by}`).join(';'),
          latestValue: ind.latest?.value ?? null, latestDate: ind.latest?.observedOn ?? null, reportCount: ind.reportCount,
          targetReached: target && ind.latest ? ind.latest.value >= target.value : null,
        });
      }
    }
    return out;
  }

  series(filter: ExportFilter): Row[] {
    const enjeux = this.enjeux();
    const docs = new Map(this.docs(filter).map((d) => [d.sheetId, d]));
    const reports = this.db.prepare(`SELECT r.reportId, r.sheetId, r.indicatorId, r.observedOn, r.territory, r.zone, r.value, r.source,
        EXISTS (SELECT 1 FROM indicator_report_corrections c WHERE c.reportId = r.reportId) AS corrected
      FROM indicator_reports r WHERE (@asOf IS NULL OR r.observedOn <= @asOf) AND (@sheetId IS NULL OR r.sheetId = @sheetId)`)
      .all({ asOf: filter.asOf ?? null, sheetId: filter.sheetId ?? null }) as Array<Record<string, any>>;
    const out: Array<Row & { order: string }> = [];
    for (const r of reports) {
      const doc = docs.get(r.sheetId);
      const ind = doc?.indicators.find((i) => i.indicatorId === r.indicatorId);
      if (!doc || !ind) continue;
      const code: string = r.territory ?? REGION_CODE;
      const regional = code === REGION_CODE;
      // Targets are set for the region; a department row has none to be compared with.
      const target = regional ? targetOn(ind, r.observedOn) : null;
      out.push({
        order: `${doc.roadmapId}|${numberKey(doc.number)}|${doc.indicators.indexOf(ind).toString().padStart(4, '0')}|${r.observedOn}|${regional ? '0' : code}|${r.zone ?? ''}`,
        ...this.keys(enjeux, doc), indicatorId: ind.indicatorId, indicatorName: ind.name, unit: ind.unit,
        territoryCode: code, territoryName: TERRITORIES[code] ?? null, territoryLevel: regional ? 'region' : 'department', zone: r.zone,
        date: r.observedOn, value: r.value, corrected: Boolean(r.corrected), targetValue: target?.value ?? null, targetDate: target?.by ?? null,
        source: r.source, reportId: r.reportId,
      });
    }
    return out.sort((a, b) => a.order.localeCompare(b.order)).map(({ order: _order, ...row }) => row);
  }
}
