import fs from 'node:fs';
import path from 'node:path';
import { systemClock, type Clock } from '../clock.js';
import { silentLogger, type Logger } from '../log/logger.js';
import type { AccountStore } from '../store/account-store.js';
import { StoreLockTimeoutError } from '../store/errors.js';
import { withFileLock } from '../store/file-lock.js';
import { findAccount, markReloginRequired } from '../store/mutations.js';
import type { Tokens } from '../store/schema.js';
import { OAuthError, ReloginRequiredError, TokenRefreshError, UnknownAccountError } from './errors.js';
import { adoptRefreshedTokens, settleJournal, type JournalOutcome } from './journal-recovery.js';
import { refreshTokens } from './oauth-client.js';
import { refreshFiles, removeJournal, sentJournal, writeAnsweredJournal, writeSentJournal } from './refresh-journal.js';
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
  /** Called the moment the issuer's answer is durable on disk (for the refresh-to-durable benchmark). */
  onAnswerSaved?: (accountId: string) => void;
}

/** What this keeper did, for tests and diagnostics. */
export interface TokenKeeperStats {
  /** Refresh tokens spent at the issuer (successfully or not). */
  refreshAttempts: number;
  /** Successful rotations. */
  refreshes: number;
  /** Times a lease holder found the tokens already rotated by someone else and spent nothing. */
  adopted: number;
  /** Answers of interrupted refreshes recovered from their journal. */
  recovered: number;
  /** Refreshes found interrupted with their answer lost: the account was marked, its token not spent again. */
  interrupted: number;
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
  readonly stats: TokenKeeperStats = { refreshAttempts: 0, refreshes: 0, adopted: 0, recovered: 0, interrupted: 0 };

  readonly #store: AccountStore;
  readonly #issuer: string;
  readonly #clock: Clock;
  readonly #marginMs: number;
  readonly #fetch: typeof fetch | undefined;
  readonly #logger: Logger;
  readonly #leaseDir: string;
  readonly #requestTimeoutMs: number;
  readonly #onAnswerSaved: ((accountId: string) => void) | undefined;
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
    this.#onAnswerSaved = options.onAnswerSaved;
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
    try {
      return await this.#withLease(accountId, this.#requestTimeoutMs * 1.5, () => this.#refreshHoldingLease(accountId, need));
    } catch (error) {
      if (error instanceof StoreLockTimeoutError) {
        const alias = findAccount(this.#store.peek(), accountId)?.alias ?? accountId;
        throw new TokenRefreshError(accountId, alias, undefined, 'lease_timeout', undefined, error);
      }
      throw error;
    }
  }

  async #withLease<T>(accountId: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
    await this.#ensureLeaseDir();
    return withFileLock(refreshFiles(this.#leaseDir, accountId).lease, fn, {
      // The holder talks to the issuer for at most requestTimeoutMs; a lease much older than that is abandoned.
      staleMs: this.#requestTimeoutMs * 2,
      timeoutMs,
    });
  }

  /**
   * Settles what refreshes interrupted by a crash left behind, for every account: an answer saved in
   * a journal is adopted, a token that may be spent is never sent again and its account is marked
   * with what happened. An account whose lease is busy is left to its holder. Returns what it did, by alias.
   */
  async recoverInterruptedRefreshes(): Promise<Array<{ alias: string; outcome: JournalOutcome }>> {
    const data = await this.#store.current();
    const results: Array<{ alias: string; outcome: JournalOutcome }> = [];
    for (const account of data.accounts) {
      const { journal } = refreshFiles(this.#leaseDir, account.id);
      if (
        !(await fs.promises.access(journal).then(
          () => true,
          () => false,
        ))
      )
        continue;
      try {
        const outcome = await this.#withLease(account.id, 2_000, () => this.#settle(account.id));
        results.push({ alias: account.alias, outcome });
      } catch (error) {
        if (!(error instanceof StoreLockTimeoutError)) throw error;
      }
    }
    return results;
  }

  async #settle(accountId: string): Promise<JournalOutcome> {
    const outcome = await settleJournal(
      { store: this.#store, clock: this.#clock, logger: this.#logger },
      refreshFiles(this.#leaseDir, accountId).journal,
      accountId,
    );
    if (outcome.kind === 'recovered') this.stats.recovered += 1;
    if (outcome.kind === 'interrupted') this.stats.interrupted += 1;
    return outcome;
  }

  async #refreshHoldingLease(accountId: string, need: RefreshNeed): Promise<Tokens> {
    // A journal found under the lease was left by a holder that died (or lost the lease) mid-refresh.
    await this.#settle(accountId);
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

    const journalFile = refreshFiles(this.#leaseDir, accountId).journal;
    const startedAt = this.#clock.now();
    const sent = sentJournal(accountId, current.refreshToken, startedAt);
    let folderSynced: Promise<void>;
    try {
      // On disk before the token leaves: whoever finds this after a crash knows the token may be spent.
      // Renamed into place as the very last step before sending, so a crash before it spends nothing.
      folderSynced = writeSentJournal(journalFile, sent);
    } catch (error) {
      throw new TokenRefreshError(accountId, account.alias, undefined, 'journal_unwritable', undefined, error);
    }
    this.stats.refreshAttempts += 1;
    let grant;
    try {
      grant = await refreshTokens(this.#issuer, current.refreshToken, {
        fetch: this.#fetch,
        signal: AbortSignal.timeout(this.#requestTimeoutMs),
      });
    } catch (error) {
      await folderSynced;
      // This process saw how the call ended, so the journal has nothing left to tell.
      await removeJournal(journalFile).catch((removeError: unknown) =>
        this.#logger.warn('could not remove the refresh journal', { file: journalFile, error: String(removeError) }),
      );
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

    // The old refresh token is spent: until the answer is on disk, this process holds the only copy.
    // Nothing else happens first: no store lock to wait for, no merge, one small fsync'd write.
    const tokens = tokensFromRefresh(grant, current, this.#clock.now());
    let journaled = false;
    try {
      writeAnsweredJournal(journalFile, { ...sent, phase: 'answered', answeredAt: this.#clock.now(), tokens });
      journaled = true;
      this.#onAnswerSaved?.(accountId);
    } catch (error) {
      this.#logger.error('could not journal the rotated tokens; saving them to the store directly', {
        account: account.alias,
        error: error instanceof Error ? error.message : String(error),
      });
    }

    await folderSynced;
    this.#backoff.delete(accountId);
    this.stats.refreshes += 1;
    try {
      // Into the store while the lease is still held, so no other process reads the spent token.
      // Tried twice; if both fail, the journal (and memory) keep the tokens for the next holder.
      const save = () => this.#store.update((store) => adoptRefreshedTokens(store, accountId, tokens));
      await save().catch(save);
      if (!journaled) this.#onAnswerSaved?.(accountId);
      await removeJournal(journalFile).catch(() => {});
    } catch (error) {
      this.#store.defer((store) => adoptRefreshedTokens(store, accountId, tokens));
      this.#logger.error(`rotated tokens could not be saved to the store; kept in memory${journaled ? ' and in the refresh journal' : ''} for the next write`, {
        account: account.alias,
        error: error instanceof Error ? error.message : String(error),
      });
    }
    this.#logger.debug('token refreshed', { account: account.alias, expiresAt: tokens.expiresAt });
    return tokens;
  }

  async #ensureLeaseDir(): Promise<void> {
    if (this.#leaseDirReady) return;
    await fs.promises.mkdir(this.#leaseDir, { recursive: true, mode: 0o700 });
    this.#leaseDirReady = true;
  }
}

/** Pure: does this token set need a refresh now? */
function needsRefresh(tokens: Tokens, need: RefreshNeed, now: number): boolean {
  if (need.rejected !== undefined && need.rejected === tokens.accessToken) return true;
  return tokens.expiresAt - need.withinMs <= now;
}
