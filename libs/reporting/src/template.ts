import { deterministicId } from '#event-store';
import { TERRITORIES, type Unit } from '#domain';
import type { ReportFact, SheetFacts } from './sheet-facts.js';

/**
 * The columns of the reporting template, in order, with their French headers. The first ones say
 * what the row is about and what is known; the pilot fills `value`, `observedOn`, `qualifier`,
 * `comment`; `rowKey` ties the row to the ids kept in the hidden worksheet (or, in CSV, in the
 * `sheetId`…`zone` columns that follow it).
 */
export const TEMPLATE_COLUMNS = [
  { key: 'number', header: 'N° fiche', width: 9 },
  { key: 'sheetTitle', header: 'Fiche', width: 40 },
  { key: 'indicatorName', header: 'Indicateur', width: 45 },
  { key: 'unit', header: 'Unité', width: 12 },
  { key: 'territoryName', header: 'Territoire', width: 22 },
  { key: 'zone', header: 'Zone', width: 12 },
  { key: 'lastValue', header: 'Dernière valeur', width: 14 },
  { key: 'lastObservedOn', header: 'Dernière valeur observée le', width: 16 },
  { key: 'targetValue', header: 'Cible', width: 10 },
  { key: 'targetBy', header: 'Cible à atteindre le', width: 16 },
  { key: 'value', header: 'Valeur', width: 12 },
  { key: 'observedOn', header: 'Observé le', width: 14 },
  { key: 'qualifier', header: 'Qualificatif', width: 14 },
  { key: 'comment', header: 'Commentaire', width: 40 },
  { key: 'rowKey', header: 'Réf.', width: 12 },
] as const;

/** The columns a pilot fills. */
export const FILLED_COLUMNS = ['value', 'observedOn', 'qualifier', 'comment'] as const;

/** The CSV has no hidden worksheet: the ids it round-trips are columns after the visible ones. */
export const CSV_ID_COLUMNS = [
  { key: 'sheetId', header: 'sheetId' },
  { key: 'indicatorId', header: 'indicatorId' },
  { key: 'territory', header: 'territory' },
  { key: 'zoneId', header: 'zone' },
] as const;

/** The hidden worksheet of the .xlsx: one row per template row. */
export const IDS_SHEET_NAME = 'ids';
export const IDS_COLUMNS = ['rowKey', 'sheetId', 'indicatorId', 'territory', 'zone'] as const;
export const TEMPLATE_SHEET_NAME = 'Saisie';

export const UNIT_LABELS: Record<Unit, string> = { count: 'nombre', percent: '%', amount: 'euros', ratio: 'ratio', number: 'valeur' };

export interface TemplateRow {
  rowKey: string;
  sheetId: string;
  indicatorId: string;
  territory: string | null;
  zone: string | null;
  number: string;
  sheetTitle: string;
  indicatorName: string;
  unit: string;
  territoryName: string;
  lastValue: number | null;
  lastObservedOn: string | null;
  targetValue: number | null;
  targetBy: string | null;
}

/** The key of a row: the same for the same sheet, indicator and scope, whichever file it is in. */
export const rowKeyOf = (sheetId: string, indicatorId: string, territory: string | null, zone: string | null) =>
  deterministicId('row', sheetId, indicatorId, territory ?? '', zone ?? '').slice(0, 16);

const scopeKey = (r: { territory: string | null; zone: string | null }) => `${r.territory ?? ''}|${r.zone ?? ''}`;

export function territoryName(territory: string | null): string {
  if (territory === null) return 'Région (non ventilé)';
  return TERRITORIES[territory] ? `${territory} ${TERRITORIES[territory]}` : territory;
}

/**
 * One row per indicator and scope of the sheets the organisation pilots: the region as a whole
 * (no territory, no zone), then every other scope already reported (territory × zone), each with its
 * own latest value. Only open sheets: a closed one accepts no report.
 */
export function templateRows(sheets: readonly SheetFacts[]): TemplateRow[] {
  const rows: TemplateRow[] = [];
  for (const sheet of [...sheets].filter((s) => s.status === 'active').sort((a, b) => byNumber(a.number, b.number))) {
    for (const ind of sheet.indicators) {
      const latestByScope = new Map<string, ReportFact>();
      for (const r of ind.reports) {
        const k = scopeKey(r);
        const known = latestByScope.get(k);
        if (!known || r.observedOn >= known.observedOn) latestByScope.set(k, r);
      }
      const reported = [...latestByScope.values()].sort((a, b) => scopeKey(a).localeCompare(scopeKey(b)));
      const scopes: Array<{ territory: string | null; zone: string | null; latest: ReportFact | null }> = reported.map((r) => ({ territory: r.territory, zone: r.zone, latest: r }));
      if (!latestByScope.has(scopeKey({ territory: null, zone: null }))) scopes.unshift({ territory: null, zone: null, latest: null });
      for (const { territory, zone, latest } of scopes) {
        rows.push({
          rowKey: rowKeyOf(sheet.sheetId, ind.indicatorId, territory, zone),
          sheetId: sheet.sheetId, indicatorId: ind.indicatorId, territory, zone,
          number: sheet.number, sheetTitle: sheet.title, indicatorName: ind.name, unit: UNIT_LABELS[ind.unit], territoryName: territoryName(territory),
          lastValue: latest?.value ?? null, lastObservedOn: latest?.observedOn ?? null,
          targetValue: ind.target?.value ?? null, targetBy: ind.target?.by ?? null,
        });
      }
    }
  }
  return rows;
}

const byNumber = (a: string, b: string) => {
  const key = (n: string) => n.split('.').map((p) => p.padStart(4, '0')).join('.');
  return key(a).localeCompare(key(b));
};

/** The template as records keyed by CSV header, for an RFC 4180 writer: visible columns, then the ids. */
export function templateCsvTable(rows: readonly TemplateRow[]): { columns: string[]; records: Array<Record<string, string | number | null>> } {
  const columns = [...TEMPLATE_COLUMNS.map((c) => c.header), ...CSV_ID_COLUMNS.map((c) => c.header)];
  const records = rows.map((r) => {
    const record: Record<string, string | number | null> = {};
    for (const c of TEMPLATE_COLUMNS) record[c.header] = (FILLED_COLUMNS as readonly string[]).includes(c.key) ? null : (r[c.key as keyof TemplateRow] ?? null);
    record.sheetId = r.sheetId;
    record.indicatorId = r.indicatorId;
    record.territory = r.territory;
    record.zone = r.zone;
    return record;
  });
  return { columns, records };
}
