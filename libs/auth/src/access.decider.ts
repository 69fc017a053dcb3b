import { DomainError, notFound, type Decider } from '#domain';

export type Role = 'admin' | 'pilot' | 'auditor';
export const ROLES: readonly Role[] = ['admin', 'pilot', 'auditor'];

/** The one stream of the access log: every token ever issued, and its revocation. Private to the store. */
export const ACCESS_STREAM = 'access-tokens';

/** `hash` is the SHA-256 of the secret: the secret itself is never stored anywhere. */
export type TokenIssued = {
  type: 'TokenIssued';
  data: { tokenId: string; hash: string; role: Role; organisationId: string | null; label: string | null; issuedAt: string; expiresAt: string | null; issuedBy: string };
};
export type TokenRevoked = { type: 'TokenRevoked'; data: { tokenId: string; revokedAt: string; revokedBy: string } };
export type AccessEvent = TokenIssued | TokenRevoked;

export type IssueToken = { type: 'IssueToken'; data: TokenIssued['data'] };
export type RevokeToken = { type: 'RevokeToken'; data: TokenRevoked['data'] };
export type AccessCommand = IssueToken | RevokeToken;

export interface TokenInfo {
  id: string;
  role: Role;
  organisationId: string | null;
  label: string | null;
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AccessState {
  byId: Map<string, TokenInfo & { hash: string }>;
  byHash: Map<string, TokenInfo & { hash: string }>;
}

/**
 * Tokens as facts of the log, so that every node answers for the same tokens: issued once (an id
 * and a hash that no other token has), revoked once (a second revocation changes nothing).
 */
export const accessDecider: Decider<AccessCommand, AccessEvent, AccessState> = {
  name: 'access',
  snapshotSchemaVersion: 1,
  initialState: () => ({ byId: new Map(), byHash: new Map() }),
  evolve(state, event) {
    switch (event.type) {
      case 'TokenIssued': {
        const d = event.data;
        const row = { id: d.tokenId, hash: d.hash, role: d.role, organisationId: d.organisationId, label: d.label, createdAt: d.issuedAt, createdBy: d.issuedBy, expiresAt: d.expiresAt, revokedAt: null };
        state.byId.set(row.id, row);
        state.byHash.set(row.hash, row);
        return state;
      }
      case 'TokenRevoked': {
        const row = state.byId.get(event.data.tokenId);
        if (row && !row.revokedAt) row.revokedAt = event.data.revokedAt;
        return state;
      }
      default:
        return state;
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'IssueToken':
        if (state.byId.has(command.data.tokenId) || state.byHash.has(command.data.hash)) throw new DomainError('token_exists', `token ${command.data.tokenId} is already issued`, 'conflict');
        return [{ type: 'TokenIssued', data: command.data }];
      case 'RevokeToken': {
        const row = state.byId.get(command.data.tokenId);
        if (!row) throw notFound('token_not_found', `no token ${command.data.tokenId}`);
        return row.revokedAt ? [] : [{ type: 'TokenRevoked', data: command.data }];
      }
    }
  },
};
