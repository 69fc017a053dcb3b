import { hash } from 'node:crypto';

/**
 * An id that is the same whenever it is made from the same parts (`prefix-` then 24 hex digits of
 * SHA-256 over the parts joined by `|`): a writer that runs twice over the same input derives the
 * same ids, and the second run is recognised as already written.
 */
export function deterministicId(prefix: string, ...parts: unknown[]): string {
  return `${prefix}-${hash('sha256', parts.map(String).join('|'), 'hex').slice(0, 24)}`;
}
