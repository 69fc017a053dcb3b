import { Inject, Injectable } from '@nestjs/common';
import { invalid, isVersionLabel, notFound, sheetStream } from '#domain';
import type { EventStore } from '#event-store';
import { SheetsReadModel, type SheetVersionRow as VersionRow } from '#projections';
import { ReadModels } from '../infrastructure/read-models.service.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { fieldChanges, sheetLineage, type FieldChange, type Lineage, type VersionSegment } from './sheet-lineage.js';

const numberKey = (n: string | null) => (n ?? '').split('.').map((p) => p.padStart(4, '0')).join('.');
const byNumber = <T extends { number: string | null; sheetId: string }>(a: T, b: T) => numberKey(a.number).localeCompare(numberKey(b.number)) || a.sheetId.localeCompare(b.sheetId);

/** Version lineage of sheets and the difference between two roadmap versions. */
@Injectable()
export class VersionsService {
  constructor(
    @Inject(SheetsReadModel) private readonly sheets: SheetsReadModel,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readModels: ReadModels,
  ) {}

  private async lineageOf(sheetId: string): Promise<Lineage | null> {
    return sheetLineage(await this.store.readStream(sheetStream(sheetId)));
  }

  async lineage(sheetId: string): Promise<unknown> {
    const lineage = await this.lineageOf(sheetId);
    if (!lineage) throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    const continuedBy = this.sheets.continuedBy(sheetId);
    const mergedFrom = this.sheets.mergedFrom(sheetId);
    return {
      sheetId, roadmapId: lineage.roadmapId, historic: lineage.historic, continues: lineage.continues, continuedBy, mergedFrom,
      versions: lineage.segments.map((s) => {
        return {
          version: s.version, number: s.fieldsAtEnd.number, numberOnEntry: s.fieldsAtStart.number, enjeu: s.fieldsAtEnd.enjeu, title: s.fieldsAtEnd.title,
          enteredBy: s.enteredBy, fromVersion: s.fromVersion, enteredAt: s.enteredAt, changes: s.carryOverChanges,
          indicatorsAdded: s.indicatorsAdded, milestonesAdded: s.milestonesAdded, revisions: s.revisions,
          outcome: s.outcome,
        };
      }),
    };
  }

  async diff(roadmapId: string, from: string | undefined, to: string | undefined): Promise<unknown> {
    if (!isVersionLabel(from)) throw invalid('invalid_query', 'from must be a version such as V3', { field: 'from' });
    if (!isVersionLabel(to)) throw invalid('invalid_query', 'to must be a version such as V4', { field: 'to' });
    const roadmap = this.readModels.roadmap(roadmapId) as { versions: Array<{ version: string }> };
    for (const v of [from, to]) if (!roadmap.versions.some((x) => x.version === v)) throw notFound('version_not_found', `roadmap ${roadmapId} has no version ${v}`, { version: v });
    const rowsOf = (version: string) => this.sheets.inVersion(roadmapId, version);
    const fromRows = new Map(rowsOf(from).map((r) => [r.sheetId, r]));
    const toRows = new Map(rowsOf(to).map((r) => [r.sheetId, r]));
    const continuesOf = (sheetId: string) => this.sheets.continues(sheetId);

    const added: unknown[] = [];
    const carriedOver: unknown[] = [];
    const continuedElsewhere = new Set<string>();
    for (const [sheetId, row] of toRows) {
      const lineage = await this.lineageOf(sheetId);
      const segment = lineage?.segments.find((s) => s.version === to);
      if (fromRows.has(sheetId)) {
        const before = lineage?.segments.find((s) => s.version === from);
        carriedOver.push(this.carried(row, fromRows.get(sheetId)!, before, segment));
        continue;
      }
      const continues = continuesOf(sheetId).filter((id) => fromRows.has(id)).sort();
      continues.forEach((id) => continuedElsewhere.add(id));
      added.push({
        sheetId, number: row.number, title: row.title, enjeu: row.enjeu, kind: row.kind, continues,
        pilots: segment?.fieldsAtEnd.pilots ?? [], indicators: segment?.indicatorsAdded ?? [],
      });
    }
    const retired: unknown[] = [];
    for (const [sheetId, row] of fromRows) {
      if (toRows.has(sheetId)) continue;
      const continuedBy = [...toRows.keys()].filter((id) => continuesOf(id).includes(sheetId)).sort();
      retired.push({
        sheetId, number: row.number, title: row.title, enjeu: row.enjeu, outcome: row.outcome, reason: row.outcomeReason,
        explanation: row.outcomeExplanation, on: row.outcomeOn, mergedInto: row.mergedInto, continuedBy,
      });
    }
    const sort = (xs: unknown[]) => (xs as Array<{ number: string | null; sheetId: string }>).sort(byNumber);
    return {
      roadmapId, from, to,
      summary: { added: added.length, carriedOver: carriedOver.length, retired: retired.length },
      added: sort(added), carriedOver: sort(carriedOver), retired: sort(retired),
    };
  }

  private carried(toRow: VersionRow, fromRow: VersionRow, before: VersionSegment | undefined, after: VersionSegment | undefined) {
    // Compare the sheet as it left `from` with the sheet as it stands in `to` (carry-over and later revisions).
    let changes: FieldChange[] = [];
    if (before && after) changes = fieldChanges(before.fieldsAtEnd, after.fieldsAtEnd);
    else {
      for (const field of ['number', 'title', 'enjeu', 'kind'] as const) {
        if (fromRow[field] !== toRow[field]) changes.push({ field, before: fromRow[field], after: toRow[field] });
      }
    }
    return {
      sheetId: toRow.sheetId, number: toRow.number, previousNumber: fromRow.number, renumbered: fromRow.number !== toRow.number,
      title: toRow.title, enjeu: toRow.enjeu, changes,
      indicatorsAdded: after?.indicatorsAdded ?? [], milestonesAdded: after?.milestonesAdded ?? [],
    };
  }
}
