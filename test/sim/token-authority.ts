import { randomId } from './ids.js';
import { accessTokenClaims, encodeUnsignedJwt, idTokenClaims, type JwtIdentity } from './jwt.js';
import type { SimClock, SimTokens } from './types.js';

interface AccessRecord {
  accountId: string;
  family: string;
  expiresAtMs: number;
}

interface RefreshRecord {
  accountId: string;
  family: string;
  used: boolean;
}

export type AccessCheck = { ok: true; accountId: string } | { ok: false; code: 'invalid_token' | 'token_expired' | 'token_revoked'; accountId?: string };

export type RefreshOutcome =
  | { ok: true; accountId: string; tokens: SimTokens }
  | { ok: false; error: 'invalid_grant' | 'refresh_token_reused' | 'refresh_token_invalidated'; accountId?: string };

/**
 * The issuer's memory of every token it minted. A sign-in starts a family; each refresh spends one
 * refresh token and adds a new one to the same family. Spending a refresh token twice is how the
 * real issuer detects a leaked token, so it answers `refresh_token_reused` and kills the family.
 */
export class TokenAuthority {
  private readonly access = new Map<string, AccessRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  private readonly revokedFamilies = new Set<string>();

  constructor(
    private readonly clock: SimClock,
    private readonly lifetimeSeconds: number,
    private readonly issuer: string,
    private readonly identityOf: (accountId: string) => JwtIdentity,
  ) {}

  /** A new family, as a completed sign-in produces. */
  issue(accountId: string): SimTokens {
    return this.mint(accountId, randomId('fam_', 9));
  }

  exchangeRefreshToken(refreshToken: string): RefreshOutcome {
    const record = this.refresh.get(refreshToken);
    if (!record) return { ok: false, error: 'invalid_grant' };
    if (this.revokedFamilies.has(record.family)) {
      return { ok: false, error: 'refresh_token_invalidated', accountId: record.accountId };
    }
    if (record.used) {
      this.revokedFamilies.add(record.family);
      return { ok: false, error: 'refresh_token_reused', accountId: record.accountId };
    }
    record.used = true;
    return { ok: true, accountId: record.accountId, tokens: this.mint(record.accountId, record.family) };
  }

  /** Which account a refresh token belongs to, without spending it (for fault matching and counters). */
  accountOfRefreshToken(refreshToken: string): string | undefined {
    return this.refresh.get(refreshToken)?.accountId;
  }

  /** Which account an access token belongs to, valid or not. */
  accountOfAccessToken(accessToken: string): string | undefined {
    return this.access.get(accessToken)?.accountId;
  }

  checkAccessToken(accessToken: string): AccessCheck {
    const record = this.access.get(accessToken);
    if (!record) return { ok: false, code: 'invalid_token' };
    if (this.revokedFamilies.has(record.family)) {
      return { ok: false, code: 'token_revoked', accountId: record.accountId };
    }
    if (this.clock.now() >= record.expiresAtMs) {
      return { ok: false, code: 'token_expired', accountId: record.accountId };
    }
    return { ok: true, accountId: record.accountId };
  }

  revokeAccount(accountId: string): void {
    for (const record of [...this.access.values(), ...this.refresh.values()]) {
      if (record.accountId === accountId) this.revokedFamilies.add(record.family);
    }
  }

  private mint(accountId: string, family: string): SimTokens {
    const identity = this.identityOf(accountId);
    const nowMs = this.clock.now();
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + this.lifetimeSeconds;
    const accessToken = encodeUnsignedJwt(accessTokenClaims(identity, iat, exp, this.issuer));
    const idToken = encodeUnsignedJwt(idTokenClaims(identity, iat, exp, this.issuer));
    const refreshToken = randomId('rt_', 24);
    this.access.set(accessToken, { accountId, family, expiresAtMs: exp * 1000 });
    this.refresh.set(refreshToken, { accountId, family, used: false });
    return { access_token: accessToken, refresh_token: refreshToken, id_token: idToken, expires_in: this.lifetimeSeconds };
  }
}
