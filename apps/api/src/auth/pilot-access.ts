import type { Principal } from '#auth';
import { DomainError } from '#domain';

/** A pilot sees and changes only what its own organisation pilots. */
export function assertPilotOf(principal: Principal, pilots: readonly string[], sheetId: string): void {
  if (principal.role !== 'pilot') return;
  if (!principal.organisationId || !pilots.includes(principal.organisationId)) {
    throw new DomainError('not_a_pilot', `organisation ${principal.organisationId ?? '(none)'} does not pilot sheet ${sheetId}`, 'forbidden', { sheetId });
  }
}
