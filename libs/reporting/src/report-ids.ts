import { deterministicId } from '#event-store';

/**
 * The id of a report imported from a file: the same organisation reporting the same value for the
 * same indicator, scope and day gets the same id, so that sending the same file twice writes nothing
 * the second time (the sheet already has that report).
 */
export function importedReportId(r: { organisationId: string; sheetId: string; indicatorId: string; territory: string | null; zone: string | null; observedOn: string; value: number }): string {
  return deterministicId('import', r.organisationId, r.sheetId, r.indicatorId, r.territory ?? '', r.zone ?? '', r.observedOn, r.value);
}
