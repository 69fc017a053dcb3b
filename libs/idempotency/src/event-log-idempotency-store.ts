import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { WrongExpectedRevisionError, type EventStore } from '#event-store';
import { holdOwner, IdempotencyStore, releaseOwner } from './idempotency-store.js';
import type { IdempotencyRecords, PendingWrite, StoredAnswer, StoredClaim } from './idempotency.port.js';

/** Events of one key's stream. */
type KeyEvent =
  | { type: 'IdempotencyKeyClaimed'; data: StoredClaim }
  | { type: 'IdempotentAnswerStored'; data: Omit<StoredAnswer, 'secret'> & { withheld?: boolean } }
  | { type: 'IdempotencyKeyReleased'; data: { owner: string } };

interface KeyState {
  revision: number;
  claim: StoredClaim | null;
  answer: StoredAnswer | null;
}

/** The prefix of the keys' streams: private to the store (see isPrivateStream), never exported. */
export const IDEMPOTENCY_STREAM_PREFIX = 'idempotency-';

const WITHHELD_BODY = JSON.stringify({
  statusCode: 409, error: 'idempotent_answer_withheld',
  message: 'the first request with this Idempotency-Key was answered with a secret that is shown only once; it is not replayed',
});

/**
 * Claims and answers of idempotent writes as events of the log, one stream per (caller, key), for a
 * store that several machines share (EventStoreDB): whichever node receives a retry reads the same
 * stream. A claim is appended only to a stream that does not exist yet (or that has not moved since
 * the stale claim it replaces), so of two nodes claiming at once exactly one gets it.
 *
 * Nodes on other machines cannot be asked whether they still run: their claim counts as live for
 * `leaseMs` after it was made, then as a write cut short (the next request recovers it from the log
 * or runs it). An answer that shows a secret (a new token) is recorded without its body: a replay
 * says it is withheld.
 */
export class EventLogIdempotencyStore implements IdempotencyRecords {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly store: EventStore, private readonly options: { leaseMs?: number } = {}) {
    holdOwner(this.owner);
  }

  static streamOf(scope: string, key: string): string {
    return `${IDEMPOTENCY_STREAM_PREFIX}${createHash('sha256').update(`${scope}\u0000${key}`).digest('hex').slice(0, 40)}`;
  }

  async get(scope: string, key: string): Promise<StoredAnswer | null> {
    return (await this.fold(scope, key)).answer;
  }

  async claimed(scope: string, key: string): Promise<StoredClaim | null> {
    const state = await this.fold(scope, key);
    return state.answer ? null : state.claim;
  }

  async tryClaim(scope: string, key: string, pending: PendingWrite, stale?: StoredClaim): Promise<boolean> {
    const state = await this.fold(scope, key);
    if (state.answer) return false;
    if (state.claim && !(stale && state.claim.owner === stale.owner && state.claim.claimedAt === stale.claimedAt)) return false;
    const claim: StoredClaim = { ...pending, owner: this.owner, claimedAt: new Date().toISOString() };
    try {
      await this.append(scope, key, { type: 'IdempotencyKeyClaimed', data: claim }, state.revision === -1 ? 'no_stream' : state.revision);
      return true;
    } catch (error) {
      if (error instanceof WrongExpectedRevisionError) return false;
      throw error;
    }
  }

  async put(scope: string, key: string, answer: StoredAnswer): Promise<void> {
    const { secret, ...kept } = answer;
    await this.append(scope, key, { type: 'IdempotentAnswerStored', data: secret ? { ...kept, body: '', withheld: true } : kept }, 'any');
  }

  async release(scope: string, key: string): Promise<void> {
    await this.append(scope, key, { type: 'IdempotencyKeyReleased', data: { owner: this.owner } }, 'stream_exists').catch((error) => {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    });
  }

  isLive(claim: StoredClaim): boolean {
    const [host] = (claim.owner ?? '').split(':');
    // On this machine the process itself can be asked.
    if (host === hostname()) return IdempotencyStore.ownerAlive(claim.owner);
    return Date.now() - Date.parse(claim.claimedAt) < (this.options.leaseMs ?? 30_000);
  }

  /** The event store itself is closed by its owner. */
  close(): void {
    releaseOwner(this.owner);
  }

  private async fold(scope: string, key: string): Promise<KeyState> {
    const state: KeyState = { revision: -1, claim: null, answer: null };
    for (const e of (await this.store.readStream(EventLogIdempotencyStore.streamOf(scope, key))) as unknown as Array<KeyEvent & { revision: number }>) {
      state.revision = e.revision;
      if (state.answer) continue; // the first answer is the one replayed
      if (e.type === 'IdempotencyKeyClaimed') state.claim = e.data;
      else if (e.type === 'IdempotencyKeyReleased') state.claim = null;
      else if (e.type === 'IdempotentAnswerStored') {
        const { withheld, ...answer } = e.data;
        state.answer = withheld ? { fingerprint: answer.fingerprint, statusCode: 409, contentType: 'application/json; charset=utf-8', body: WITHHELD_BODY } : answer;
      }
    }
    return state;
  }

  private append(scope: string, key: string, event: KeyEvent, expectedRevision: 'any' | 'no_stream' | 'stream_exists' | number) {
    return this.store.appendToStream(EventLogIdempotencyStore.streamOf(scope, key), [
      { type: event.type, data: event.data, metadata: { actor: this.owner, correlationId: scope, causationId: null, source: 'idempotency' } },
    ], { expectedRevision });
  }
}
