import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { AccountRotator } from '../rotator/rotator.js';
import type { Choice } from '../rotator/choose-account.js';
import { describeNoEligibleAccount } from '../rotator/explain.js';
import type { AccountStore } from '../store/account-store.js';
import {
  extendCooldown,
  markModelUnsupported,
  markReloginRequired,
  markWorkspaceDeactivated,
  recordError,
  recordRequestServed,
  recordSnapshot,
  rememberSession,
} from '../store/mutations.js';
import type { Account, StoreData } from '../store/schema.js';
import { ReloginRequiredError } from '../tokens/errors.js';
import type { TokenKeeper } from '../tokens/token-keeper.js';
import { snapshotsFromHeaders } from '../usage/rate-limit-headers.js';
import { classifyReply } from './classify-response.js';
import { passedOver, type AttemptRecord } from './decision-record.js';
import { buildCodexHeaders, readSessionId } from './codex-headers.js';
import { errorResponse } from './error-response.js';
import { burstCooldownMs, decideFailover, serverBackoffMs, type AccountMark } from './failover-policy.js';
import { hasEncryptedReasoning, shapeRequestBody, withoutEncryptedReasoning, type RequestBody } from './shape-request.js';
import { watchStreamFailure, type StreamFailure } from './watch-stream-failure.js';

export interface RequestPathOptions {
  store: AccountStore;
  tokens: TokenKeeper;
  rotator: AccountRotator;
  config: Pick<Config, 'codexBaseUrl' | 'requestTimeout' | 'maxRetryWait' | 'logLevel' | 'pauseAtPercent' | 'snapshotStaleAfter'>;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** `opencode-multi-auth-codex/<version>`. */
  pluginAgent: string;
}

/** One model request as OpenCode made it, body already parsed. */
export interface ModelRequest {
  body: RequestBody;
  headers: Headers;
  signal?: AbortSignal | null;
}

/** Unchanged rate-limit headers are recorded again after this long, so their snapshot stays fresh. */
const RATE_LIMIT_REFRESH_MS = 60_000;

/** How many sessions with foreign reasoning are remembered; the oldest is forgotten first. */
const REMEMBERED_FOREIGN_SESSIONS = 1_000;

/** A token refresh that failed for a passing reason: try other accounts for a minute. */
const TOKEN_TROUBLE_COOLDOWN_MS = 60_000;

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  // An abort listener added to an already aborted signal never fires.
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}

/** Forwards the caller's abort and adds a deadline for the response headers. */
function attemptSignal(callerSignal: AbortSignal | null | undefined, headerTimeoutMs: number) {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  if (callerSignal?.aborted) controller.abort(callerSignal.reason);
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no response headers within ${headerTimeoutMs} ms`, 'TimeoutError')),
    headerTimeoutMs,
  );
  return {
    signal: controller.signal,
    headersArrived: () => clearTimeout(timer),
    /** The attempt is over (failed over or fully read): stop listening to the caller. */
    release: () => {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    },
  };
}

function forwardedHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  // The body handed on is already decoded, and its length is the stream's own business.
  copy.delete('content-encoding');
  copy.delete('content-length');
  copy.delete('transfer-encoding');
  return copy;
}

/**
 * The story of one model request: choose an account, send, and on a reply that says the account
 * cannot serve, mark it and try the next, all before the first byte reaches OpenCode.
 */
export class CodexRequestPath {
  readonly #burstStreaks = new Map<string, number>();
  /** Per account, the rate-limit headers last recorded and when: unchanged ones are not parsed and stored again. */
  readonly #lastRateLimits = new Map<string, { signature: string; at: number }>();
  /** Sessions whose history holds reasoning from an account they left: stripped up front from then on. */
  readonly #foreignReasoningSessions = new Set<string>();
  readonly #url: string;

  constructor(private readonly options: RequestPathOptions) {
    this.#url = `${options.config.codexBaseUrl}/codex/responses`;
  }

  /** Routes one request. The caller has just brought the store's view up to date (PluginRuntime.readiness). */
  async send(request: ModelRequest): Promise<Response> {
    const { store, rotator, clock } = this.options;
    const body = shapeRequestBody(request.body);
    const sessionId = readSessionId(request.headers, request.body);
    const model = typeof body.model === 'string' ? body.model : undefined;
    const previousAccountId = rotator.sessionAccount(sessionId, store.peek());
    const tried = new Set<string>();
    const attempts: AttemptRecord[] = [];

    for (let attempt = 1; ; attempt++) {
      const now = clock.now();
      const choice = rotator.choose(store.peek(), { now, model, sessionId, tried });
      if (!choice.ok) return this.#noEligibleAccount(choice, now, attempts, model);
      const account = choice.account;
      tried.add(account.id);

      // Reasoning encrypted for the previous account's organization would fail here.
      const moved = previousAccountId !== undefined && previousAccountId !== account.id;
      const foreign = moved || (sessionId !== undefined && this.#foreignReasoningSessions.has(sessionId));
      if (moved && sessionId !== undefined && hasEncryptedReasoning(body)) this.#rememberForeignReasoning(sessionId);
      const result = await this.#tryAccount(account, body, foreign && hasEncryptedReasoning(body), request, sessionId, model, attempt, attempts);
      if (result) {
        this.#logDecision(model, sessionId, choice.reason, attempts);
        return result;
      }
    }
  }

  /** Tries one account, with at most one token refresh and one retry without foreign reasoning. Resolves undefined to move on. */
  async #tryAccount(
    account: Account,
    shapedBody: RequestBody,
    stripReasoning: boolean,
    request: ModelRequest,
    sessionId: string | undefined,
    model: string | undefined,
    attempt: number,
    attempts: AttemptRecord[],
  ): Promise<Response | undefined> {
    const { clock } = this.options;
    let token = await this.#accessToken(account, undefined, attempts);
    if (token === undefined) return undefined;
    let refreshed = false;
    let reasoningStripped = stripReasoning;
    let body = reasoningStripped ? withoutEncryptedReasoning(shapedBody) : shapedBody;

    for (;;) {
      const headers = buildCodexHeaders({
        incoming: request.headers,
        accessToken: token,
        chatgptAccountId: account.chatgptAccountId,
        sessionId,
        pluginAgent: this.options.pluginAgent,
      });
      const deadline = attemptSignal(request.signal, this.options.config.requestTimeout);
      let response: Response;
      try {
        response = await this.options.fetch(this.#url, { method: 'POST', headers, body: JSON.stringify(body), signal: deadline.signal });
        deadline.headersArrived();
      } catch (error) {
        deadline.release();
        if (request.signal?.aborted) throw error;
        const message = error instanceof Error ? error.message : String(error);
        attempts.push({ account: account.alias, outcome: `network error: ${message}` });
        await sleep(serverBackoffMs(attempt), request.signal);
        return undefined;
      }

      const now = clock.now();
      this.#recordRateLimitHeaders(account.id, response.headers, now);
      if (response.ok) {
        this.#burstStreaks.delete(account.id);
        const moved = sessionId !== undefined && this.options.rotator.sessionAccount(sessionId, this.options.store.peek()) !== account.id;
        this.options.rotator.served(account.id, sessionId);
        this.options.store.defer((data) => {
          recordRequestServed(data, account.id, now);
          // Only a new assignment is worth writing; it lets a resumed session find its account.
          if (moved) rememberSession(data, sessionId, account.id, now);
        });
        attempts.push({ account: account.alias, status: response.status, outcome: 'served' });
        return this.#passStream(account, response, deadline.release);
      }

      const text = await response.text().catch(() => '');
      deadline.release();
      // A body cut short by OpenCode's abort says nothing about the account: stop here.
      if (request.signal?.aborted) throw request.signal.reason;
      const verdict = classifyReply(response.status, response.headers, text, now);
      const burstStreak = verdict.kind === 'burst-limit' ? (this.#burstStreaks.get(account.id) ?? 0) + 1 : 0;
      if (verdict.kind === 'burst-limit') this.#burstStreaks.set(account.id, burstStreak);
      const step = decideFailover(verdict, { now, model, refreshedThisRequest: refreshed, reasoningStripped, burstStreak, attempt });
      attempts.push({
        account: account.alias,
        status: response.status,
        outcome: `HTTP ${response.status} ${step.action === 'next-account' ? (step.mark?.reason ?? verdict.kind.replace('-', ' ')) : step.action}`,
      });

      switch (step.action) {
        case 'serve':
        case 'pass-through':
          return new Response(text, { status: response.status, statusText: response.statusText, headers: forwardedHeaders(response.headers) });
        case 'refresh-and-retry': {
          refreshed = true;
          const fresh = await this.#accessToken(account, token, attempts);
          if (fresh === undefined) return undefined;
          token = fresh;
          continue;
        }
        case 'retry-without-reasoning':
          // OpenCode sends the whole history every turn: later turns would fail the same way.
          if (sessionId !== undefined) this.#rememberForeignReasoning(sessionId);
          reasoningStripped = true;
          body = withoutEncryptedReasoning(shapedBody);
          continue;
        case 'next-account':
          if (step.mark) this.#mark(account.id, step.mark, now);
          await sleep(step.delayMs, request.signal);
          return undefined;
      }
    }
  }

  #rememberForeignReasoning(sessionId: string): void {
    this.#foreignReasoningSessions.add(sessionId);
    if (this.#foreignReasoningSessions.size > REMEMBERED_FOREIGN_SESSIONS) {
      const oldest = this.#foreignReasoningSessions.values().next().value;
      if (oldest !== undefined) this.#foreignReasoningSessions.delete(oldest);
    }
  }

  async #accessToken(account: Account, rejected: string | undefined, attempts: AttemptRecord[]): Promise<string | undefined> {
    try {
      return await this.options.tokens.accessToken(account.id, rejected === undefined ? undefined : { rejected });
    } catch (error) {
      if (error instanceof ReloginRequiredError) {
        attempts.push({ account: account.alias, outcome: `needs a new sign-in: ${error.reason}` });
        return undefined;
      }
      const message = error instanceof Error ? error.message : String(error);
      attempts.push({ account: account.alias, outcome: `token refresh failed: ${message}` });
      this.#mark(account.id, { reason: 'token refresh failing', cooldownUntil: this.options.clock.now() + TOKEN_TROUBLE_COOLDOWN_MS }, this.options.clock.now());
      return undefined;
    }
  }

  #passStream(account: Account, response: Response, release: () => void): Response {
    if (!response.body) {
      release();
      return response;
    }
    // Until the stream ends, an abort from OpenCode still reaches the upstream read.
    const body = watchStreamFailure(response.body, (failure) => this.#recordStreamFailure(account, failure), release);
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: forwardedHeaders(response.headers),
    });
  }

  #recordStreamFailure(account: Account, failure: StreamFailure): void {
    const now = this.options.clock.now();
    const reason = `response.failed mid-stream${failure.code ? ` (${failure.code})` : ''}${failure.message ? `: ${failure.message}` : ''}`;
    this.options.logger.warn('stream failed after it started; the next request will know', { account: account.alias, code: failure.code });
    const mark: AccountMark = { reason };
    if (failure.code === 'usage_limit_reached' || failure.code === 'insufficient_quota') mark.cooldownUntil = now + 15 * 60_000;
    else if (failure.code === 'rate_limit_exceeded') mark.cooldownUntil = now + burstCooldownMs(undefined, 1);
    this.#mark(account.id, mark, now);
  }

  #recordRateLimitHeaders(accountId: string, headers: Headers, now: number): void {
    // Most replies repeat the last numbers; re-recording them only matters to keep the snapshot fresh.
    const signature = `${headers.get('x-codex-primary-used-percent')}|${headers.get('x-codex-secondary-used-percent')}|${headers.get('x-codex-primary-reset-at')}|${headers.get('x-codex-secondary-reset-at')}`;
    const last = this.#lastRateLimits.get(accountId);
    if (last && last.signature === signature && now - last.at < RATE_LIMIT_REFRESH_MS) return;
    this.#lastRateLimits.set(accountId, { signature, at: now });
    const observation = snapshotsFromHeaders(headers, now);
    const { fiveHour, weekly } = observation;
    if (!fiveHour && !weekly) return;
    this.options.store.defer((data) => {
      if (fiveHour) recordSnapshot(data, accountId, 'fiveHour', fiveHour);
      if (weekly) recordSnapshot(data, accountId, 'weekly', weekly);
    });
  }

  #mark(accountId: string, mark: AccountMark, now: number): void {
    this.options.store.defer((data: StoreData) => {
      if (mark.cooldownUntil !== undefined) extendCooldown(data, accountId, mark.cooldownUntil, mark.reason, now);
      if (mark.workspaceDeactivatedUntil !== undefined) markWorkspaceDeactivated(data, accountId, mark.workspaceDeactivatedUntil);
      if (mark.unsupportedModel) markModelUnsupported(data, accountId, mark.unsupportedModel.model, mark.unsupportedModel.until);
      if (mark.reloginRequired) markReloginRequired(data, accountId, mark.reason, now);
      recordError(data, accountId, mark.reason, now);
    });
  }

  #noEligibleAccount(choice: Extract<Choice, { ok: false }>, now: number, attempts: AttemptRecord[], model: string | undefined): Response {
    const message = describeNoEligibleAccount(choice, now);
    const waitMs = choice.firstAvailableAt === undefined ? undefined : Math.max(0, choice.firstAvailableAt - now);
    this.#logDecision(model, undefined, 'none', attempts, message);
    if (choice.verdicts.length === 0) {
      return errorResponse(401, { message, type: 'invalid_request_error', code: 'no_accounts' });
    }
    // Accounts that only failed this request (5xx, network) are fine otherwise: a passing outage.
    // OpenCode retries a 503, and the next request tries them again.
    const onlyFailedNow = choice.verdicts.some((verdict) => verdict.exclusions.every((exclusion) => exclusion.kind === 'already-tried'));
    if (onlyFailedNow && (waitMs === undefined || waitMs > this.options.config.maxRetryWait)) {
      const tried = attempts.map((attempt) => `${attempt.account}: ${attempt.outcome}`).join('; ');
      return errorResponse(
        503,
        { message: `Every account failed for this request (${tried}). This looks like a passing backend or network problem; retrying.`, type: 'server_error', code: 'all_accounts_failed' },
        { 'retry-after': '2' },
      );
    }
    // OpenCode retries a 429 after `retry-after` however long it is, in silence; a long wait is
    // therefore answered with a status it does not retry, so the user reads the reason at once.
    // (OpenCode also retries a non-retryable status whose message looks like a rate limit and
    // honours its retry-after, so the long-wait answer carries none.)
    const retryable = waitMs !== undefined && waitMs <= this.options.config.maxRetryWait;
    const headers: Record<string, string> = retryable
      ? { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1_000))), 'retry-after-ms': String(Math.max(1_000, Math.ceil(waitMs))) }
      : {};
    return errorResponse(retryable ? 429 : 400, { message, type: 'usage_limit_reached', code: 'no_eligible_account' }, headers);
  }

  /** The decision record: the account chosen, the ones tried, and the others with why not. Debug level only. */
  #logDecision(model: string | undefined, sessionId: string | undefined, reason: string, attempts: AttemptRecord[], message?: string): void {
    const { config, logger, clock, store } = this.options;
    if (config.logLevel !== 'debug') return;
    const others = passedOver(store.peek(), attempts, {
      now: clock.now(),
      model,
      pauseAtPercent: config.pauseAtPercent,
      snapshotStaleAfterMs: config.snapshotStaleAfter,
    });
    logger.debug('request routed', { model, session: sessionId, reason, attempts, others, explanation: message });
  }
}
