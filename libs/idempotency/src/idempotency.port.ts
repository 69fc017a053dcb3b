/** A write under way: what it asked, the command id its events carry, and the log's head before it. */
export interface PendingWrite {
  fingerprint: string;
  commandId: string;
  headBefore: number;
}

/** A claim as stored: who holds it (`host:pid:instance`), since when. */
export interface StoredClaim extends PendingWrite {
  owner: string | null;
  claimedAt: string;
}

export interface StoredAnswer {
  fingerprint: string;
  statusCode: number;
  contentType: string;
  body: string;
  /** The answer shows a secret once (a new token): a store shared through the log keeps no copy of it. */
  secret?: boolean;
}

/**
 * Where the claims and answers of idempotent writes are kept, shared by every node of one store:
 * a file next to the embedded store (IdempotencyStore), or streams of the log itself where the
 * store is a server (EventLogIdempotencyStore). Methods may answer at once or through a promise.
 */
export interface IdempotencyRecords {
  /** This writer's id, recorded with its claims. */
  readonly owner: string;
  get(scope: string, key: string): StoredAnswer | null | Promise<StoredAnswer | null>;
  /** Keeps the first answer and drops the claim. */
  put(scope: string, key: string, answer: StoredAnswer): void | Promise<void>;
  claimed(scope: string, key: string): StoredClaim | null | Promise<StoredClaim | null>;
  /** Claims the key when free, or when still held by `stale`; false when another writer got there first. */
  tryClaim(scope: string, key: string, pending: PendingWrite, stale?: StoredClaim): boolean | Promise<boolean>;
  /** The write ended without an answer worth keeping: a retry runs afresh. */
  release(scope: string, key: string): void | Promise<void>;
  /** Whether the writer holding `claim` may still be running (then a duplicate waits for its answer). */
  isLive(claim: StoredClaim): boolean;
  close(): void;
}
