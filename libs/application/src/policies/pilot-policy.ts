import type { Principal } from '#auth';
import { DomainError, notFound, type SheetState } from '#domain';

/** Whom the rule concerns: a token's role and the organisation it is bound to. */
export type PolicySubject = Pick<Principal, 'role' | 'organisationId'>;

/**
 * A pilot sees and changes only the sheets its own organisation pilots; the rule does not concern
 * other roles (what a role may do at all is the route's business).
 */
export function assertPilotOf(subject: PolicySubject, sheetId: string, pilots: readonly string[]): void {
  if (subject.role !== 'pilot') return;
  if (!subject.organisationId || !pilots.includes(subject.organisationId)) {
    throw new DomainError('not_a_pilot', `organisation ${subject.organisationId ?? '(none)'} does not pilot sheet ${sheetId}`, 'forbidden', { sheetId });
  }
}

/**
 * The same rule for a write, as a check on the state the command is decided on (so that a change of
 * pilots and a report cannot cross each other); none for the roles it does not concern. A pilot
 * learns nothing of a sheet that does not exist but that it is not found.
 */
export function pilotWritePolicy(subject: PolicySubject, sheetId: string): ((state: SheetState) => void) | undefined {
  if (subject.role !== 'pilot') return undefined;
  return (state) => {
    if (state.status === 'none') throw notFound('sheet_not_found', `no sheet ${sheetId}`, { sheetId });
    assertPilotOf(subject, sheetId, state.fields.pilots);
  };
}
