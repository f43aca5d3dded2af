import type { Account, Tokens } from '../store/schema.js';
import { accountIdentity } from '../store/schema.js';
import { readIdentity } from '../store/jwt-claims.js';
import type { TokenGrant } from './oauth-client.js';
import { TokenIdentityError } from './errors.js';

/** Used when neither `expires_in` nor the JWT says when the access token expires. */
const DEFAULT_LIFETIME_MS = 60 * 60_000;

/**
 * Expiry of a fresh access token: `expires_in` is relative to now, so it does not depend on the
 * issuer's clock; the JWT `exp` is the fallback.
 */
export function expiryOf(grant: Pick<TokenGrant, 'accessToken' | 'idToken' | 'expiresIn'>, now: number): number {
  if (grant.expiresIn !== undefined) return now + grant.expiresIn * 1_000;
  return readIdentity({ accessToken: grant.accessToken }).expiresAt ?? now + DEFAULT_LIFETIME_MS;
}

/**
 * The token set after a refresh. An issuer that does not rotate keeps the old refresh token valid.
 * `obtainedAt` is strictly after the previous set's, so the merge rule "newest rotation wins" holds
 * even within one millisecond.
 */
export function tokensFromRefresh(grant: TokenGrant, previous: Tokens, now: number): Tokens {
  return {
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken ?? previous.refreshToken,
    idToken: grant.idToken ?? previous.idToken,
    expiresAt: expiryOf(grant, now),
    obtainedAt: Math.max(now, previous.obtainedAt + 1),
  };
}

export interface AccountFromGrantOptions {
  alias?: string;
  origin: Account['origin'];
  now: number;
  /** The account id when the claims lack it (some stored records carry it separately). */
  chatgptAccountId?: string;
  /** Named in the error if the tokens carry no account id. */
  source?: string;
}

/** Builds a new account from a sign-in or import. Identity comes from the token claims, never from the refresh token. */
export function accountFromGrant(grant: TokenGrant & { refreshToken: string }, options: AccountFromGrantOptions): Account {
  const identity = readIdentity({ idToken: grant.idToken, accessToken: grant.accessToken });
  const chatgptAccountId = identity.chatgptAccountId ?? options.chatgptAccountId;
  if (!chatgptAccountId) throw new TokenIdentityError(options.source ?? 'the sign-in');
  const fallbackAlias = identity.email?.split('@')[0] || `account-${chatgptAccountId.slice(0, 8)}`;
  return {
    id: accountIdentity(chatgptAccountId, identity.userId),
    alias: options.alias ?? fallbackAlias,
    email: identity.email,
    plan: identity.plan,
    chatgptAccountId,
    userId: identity.userId,
    enabled: true,
    addedAt: options.now,
    origin: options.origin,
    tokens: {
      accessToken: grant.accessToken,
      refreshToken: grant.refreshToken,
      idToken: grant.idToken,
      expiresAt: expiryOf(grant, options.now),
      obtainedAt: options.now,
    },
    health: {},
    usage: {},
    stats: { requests: 0 },
  };
}
