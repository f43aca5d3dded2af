import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { AccountStore } from '../store/account-store.js';
import { StoreLockTimeoutError } from '../store/errors.js';
import { withFileLock } from '../store/file-lock.js';
import { adoptTokens, findAccount, markReloginRequired } from '../store/mutations.js';
import type { Tokens } from '../store/schema.js';
import { OAuthError, ReloginRequiredError, TokenRefreshError, UnknownAccountError } from './errors.js';
import { refreshTokens } from './oauth-client.js';
import { isPermanentRefreshFailure, refreshBackoffMs } from './refresh-classify.js';
import { tokensFromRefresh } from './tokens-from-grant.js';

export interface TokenKeeperOptions {
  store: AccountStore;
  /** The OAuth issuer (config.authIssuer). */
  issuer: string;
  clock?: Clock;
  /** Access tokens are refreshed when they expire within this long. Default 5 min. */
  refreshMarginMs?: number;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Where the per-account refresh leases live. Default `<store dir>/locks`. */
  leaseDir?: string;
  /** How long one call to the issuer may take. Default 30 s. */
  requestTimeoutMs?: number;
}

/** What this keeper did, for tests and diagnostics. */
export interface TokenKeeperStats {
  /** Refresh tokens spent at the issuer (successfully or not). */
  refreshAttempts: number;
  /** Successful rotations. */
  refreshes: number;
  /** Times a lease holder found the tokens already rotated by someone else and spent nothing. */
  adopted: number;
}

interface RefreshNeed {
  /** Refresh if the token expires within this long. */
  withinMs: number;
  /** Refresh if this is still the stored access token (a 401 rejected it). */
  rejected?: string;
}

/**
 * Hands out valid access tokens and refreshes them, spending every refresh token exactly once across
 * all processes: one refresh per account at a time in this process (single flight), a lease file per
 * account across processes, and a re-read of the store under the lease so a rotation done by another
 * process is adopted instead of repeated. New tokens are saved durably before they are handed out.
 */
export class TokenKeeper {
  readonly stats: TokenKeeperStats = { refreshAttempts: 0, refreshes: 0, adopted: 0 };

  readonly #store: AccountStore;
  readonly #issuer: string;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #logger: Logger;
  readonly #leaseDir: string;
  readonly #requestTimeoutMs: number;
  readonly #inflight = new Map<string, Promise<Tokens>>();
  /** Transient failures in a row per account, and when to try again. */
  readonly #backoff = new Map<string, { failures: number; retryAt: number }>();
  #leaseDirReady = false;

  constructor(options: TokenKeeperOptions) {
    this.#store = options.store;
    this.#issuer = options.issuer;
    this.#clock = options.clock ?? systemClock;
    this.#marginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.#fetch = options.fetch;
    this.#logger = options.logger ?? silentLogger;
    this.#leaseDir = options.leaseDir ?? path.join(options.store.dir, 'locks');
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  }

  /**
   * A valid access token, refreshing first if it expires within the margin or if `rejected` is the
   * stored access token. Throws {@link ReloginRequiredError} or {@link TokenRefreshError}; on a
   * transient failure a still-valid access token is returned instead.
   */
  async accessToken(accountId: string, options: { rejected?: string } = {}): Promise<string> {
    const data = await this.#store.current();
    const account = findAccount(data, accountId);
    if (!account) throw new UnknownAccountError(accountId);
    if (account.health.reloginRequired) throw new ReloginRequiredError(accountId, account.alias, account.health.reloginRequired.reason);
    const now = this.#clock.now();
    const need: RefreshNeed = { withinMs: this.#marginMs, rejected: options.rejected };
    if (!needsRefresh(account.tokens, need, now)) return account.tokens.accessToken;

    const stillValid = options.rejected !== account.tokens.accessToken && account.tokens.expiresAt > now;
    const backoff = this.#backoff.get(accountId);
    if (stillValid && backoff && now < backoff.retryAt) return account.tokens.accessToken;
    try {
      return (await this.#refreshOnce(accountId, need)).accessToken;
    } catch (error) {
      if (error instanceof TokenRefreshError && stillValid) {
        this.#logger.warn('token refresh failed; using the current access token until it expires', {
          account: account.alias,
          status: error.status,
          code: error.code,
          expiresAt: account.tokens.expiresAt,
        });
        return account.tokens.accessToken;
      }
      throw error;
    }
  }

  /** Refreshes every account whose token expires within `withinMs` (for the background refresher). Failures are logged, not thrown. */
  async refreshExpiring(withinMs: number): Promise<void> {
    const data = await this.#store.reload();
    // Quota does not matter here: an account that is out of quota still needs live tokens for when it comes back.
    const due = data.accounts.filter((account) => {
      if (account.health.reloginRequired) return false;
      const backoff = this.#backoff.get(account.id);
      if (backoff && this.#clock.now() < backoff.retryAt) return false;
      return needsRefresh(account.tokens, { withinMs }, this.#clock.now());
    });
    for (const account of due) {
      try {
        await this.#refreshOnce(account.id, { withinMs });
      } catch (error) {
        this.#logger.info('background token refresh failed', { account: account.alias, error: error instanceof Error ? error.message : String(error) });
      }
    }
  }

  /** One refresh per account at a time in this process: concurrent callers share it. */
  #refreshOnce(accountId: string, need: RefreshNeed): Promise<Tokens> {
    const running = this.#inflight.get(accountId);
    if (running) return running;
    const refresh = this.#refreshUnderLease(accountId, need).finally(() => this.#inflight.delete(accountId));
    this.#inflight.set(accountId, refresh);
    return refresh;
  }

  async #refreshUnderLease(accountId: string, need: RefreshNeed): Promise<Tokens> {
    await this.#ensureLeaseDir();
    try {
      return await withFileLock(this.#leasePath(accountId), () => this.#refreshHoldingLease(accountId, need), {
        // The holder talks to the issuer for at most requestTimeoutMs; a lease much older than that is abandoned.
        staleMs: this.#requestTimeoutMs * 2,
        timeoutMs: this.#requestTimeoutMs * 1.5,
      });
    } catch (error) {
      if (error instanceof StoreLockTimeoutError) {
        const alias = findAccount(this.#store.peek(), accountId)?.alias ?? accountId;
        throw new TokenRefreshError(accountId, alias, undefined, 'lease_timeout', undefined, error);
      }
      throw error;
    }
  }

  async #refreshHoldingLease(accountId: string, need: RefreshNeed): Promise<Tokens> {
    // Whoever held the lease before us saved its rotation before releasing it: the file is the truth now.
    const data = await this.#store.reload();
    const account = findAccount(data, accountId);
    if (!account) throw new UnknownAccountError(accountId);
    if (account.health.reloginRequired) throw new ReloginRequiredError(accountId, account.alias, account.health.reloginRequired.reason);
    const current = account.tokens;
    if (!needsRefresh(current, need, this.#clock.now())) {
      this.stats.adopted += 1;
      this.#logger.debug('tokens already rotated by another holder; adopting them', { account: account.alias });
      return current;
    }

    const startedAt = this.#clock.now();
    this.stats.refreshAttempts += 1;
    let grant;
    try {
      grant = await refreshTokens(this.#issuer, current.refreshToken, {
        fetch: this.#fetch,
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      if (error instanceof OAuthError && isPermanentRefreshFailure(error.status, error.code)) {
        const reason = error.code ?? `http_${error.status}`;
        const at = Math.max(startedAt, current.obtainedAt);
        await this.#store.update((store) => markReloginRequired(store, accountId, reason, at));
        this.#backoff.delete(accountId);
        this.#logger.warn('refresh token refused for good; the account needs a new sign-in', { account: account.alias, status: error.status, reason });
        throw new ReloginRequiredError(accountId, account.alias, reason);
      }
      const failures = (this.#backoff.get(accountId)?.failures ?? 0) + 1;
      const retryAt = this.#clock.now() + refreshBackoffMs(failures);
      this.#backoff.set(accountId, { failures, retryAt });
      const status = error instanceof OAuthError ? error.status : undefined;
      const code = error instanceof OAuthError ? error.code : undefined;
      this.#logger.warn('token refresh failed (transient)', { account: account.alias, status, code, failures, retryAt });
      throw new TokenRefreshError(accountId, account.alias, status, code, retryAt, error);
    }

    this.#backoff.delete(accountId);
    this.stats.refreshes += 1;
    const tokens = tokensFromRefresh(grant, current, this.#clock.now());
    try {
      // Durable before anyone uses the new token: the old refresh token is spent, this is now the only
      // copy. Tried twice while the lease is still held, so no other process can read the spent one.
      await this.#store.update((store) => adoptTokens(store, accountId, tokens)).catch(() => this.#store.update((store) => adoptTokens(store, accountId, tokens)));
    } catch (error) {
      this.#store.defer((store) => adoptTokens(store, accountId, tokens));
      this.#logger.error('rotated tokens could not be saved; keeping them in memory and retrying with the next write', {
        account: account.alias,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.#logger.debug('token refreshed', { account: account.alias, expiresAt: tokens.expiresAt });
    return tokens;
  }

  #leasePath(accountId: string): string {
    // Account ids hold ':' and arbitrary characters; a hash keeps the file name portable.
    const safe = accountId.replace(/[^\w.-]/g, '_').slice(0, 40);
    const hash = createHash('sha256').update(accountId).digest('hex').slice(0, 12);
    return path.join(this.#leaseDir, `refresh-${safe}-${hash}.lock`);
  }

  async #ensureLeaseDir(): Promise<void> {
    if (this.#leaseDirReady) return;
    await fs.promises.mkdir(this.#leaseDir, { recursive: true, mode: 0o700 });
    this.#leaseDirReady = true;
  }
}

/** Pure: does this token set need a refresh now? */
export function needsRefresh(tokens: Tokens, need: RefreshNeed, now: number): boolean {
  if (need.rejected !== undefined && need.rejected === tokens.accessToken) return true;
  return tokens.expiresAt - need.withinMs <= now;
}
