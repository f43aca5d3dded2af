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
  rememberSession,
} from '../store/mutations.js';
import type { Account, StoreData } from '../store/schema.js';
import { ReloginRequiredError } from '../tokens/errors.js';
import type { TokenKeeper } from '../tokens/token-keeper.js';
import { ReplyRateLimitRecorder } from '../usage/reply-rate-limits.js';
import { extendFamilyCooldown } from '../usage/usage-mutations.js';
import { DeadlineError } from '../http/deadline-error.js';
import { sendWithDeadlines, type Deadlines, type TimedReply } from '../http/http-client.js';
import { classifyReply, type ReplyVerdict } from './classify-response.js';
import { chosenBecause, passedOver, type AttemptRecord } from './decision-record.js';
import { buildCodexHeaders, readSessionId } from './codex-headers.js';
import { errorResponse } from './error-response.js';
import type { RoutingEventListener } from './routing-events.js';
import { BAD_REPLY_COOLDOWN_MS, burstCooldownMs, decideFailover, serverBackoffMs, type AccountMark } from './failover-policy.js';
import { encodeRequestBody } from './request-body.js';
import { hasEncryptedReasoning, shapeRequestBody, withoutEncryptedReasoning, type RequestBody } from './shape-request.js';
import { openStreamGate, type FailureAfterOutput } from './stream-gate.js';

export interface RequestPathOptions {
  store: AccountStore;
  tokens: TokenKeeper;
  rotator: AccountRotator;
  config: Pick<
    Config,
    | 'codexBaseUrl'
    | 'requestTimeout'
    | 'errorBodyTimeout'
    | 'firstEventTimeout'
    | 'streamIdleTimeout'
    | 'maxRetryWait'
    | 'logLevel'
    | 'pauseAtPercent'
    | 'snapshotStaleAfter'
  >;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** `opencode-multi-auth-codex/<version>`. */
  pluginAgent: string;
  /** Told when a session moves to another account and when no account can serve. */
  onEvent?: RoutingEventListener;
}

/** One model request as OpenCode made it, body already parsed. */
export interface ModelRequest {
  body: RequestBody;
  headers: Headers;
  signal?: AbortSignal | null;
}

/** How many sessions with foreign reasoning are remembered; the oldest is forgotten first. */
const REMEMBERED_FOREIGN_SESSIONS = 1_000;

/** A token refresh that failed for a passing reason: try other accounts for a minute. */
const TOKEN_TROUBLE_COOLDOWN_MS = 60_000;

function sleep(ms: number, signal: AbortSignal | null | undefined): Promise<void> {
  // An abort listener added to an already aborted signal never fires.
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
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
  readonly #rateLimits: ReplyRateLimitRecorder;
  /** Sessions whose history holds reasoning from an account they left: stripped up front from then on. */
  readonly #foreignReasoningSessions = new Set<string>();
  readonly #url: string;
  readonly #deadlines: Deadlines;

  constructor(private readonly options: RequestPathOptions) {
    this.#url = `${options.config.codexBaseUrl}/codex/responses`;
    const { requestTimeout, firstEventTimeout, streamIdleTimeout, errorBodyTimeout } = options.config;
    this.#deadlines = { headersMs: requestTimeout, firstByteMs: firstEventTimeout, idleMs: streamIdleTimeout, bodyMs: errorBodyTimeout };
    this.#rateLimits = new ReplyRateLimitRecorder(options.store);
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
        if (moved && result.ok && sessionId !== undefined)
          this.options.onEvent?.({ kind: 'session-moved', sessionId, fromAccountId: previousAccountId, toAccountId: account.id, model, attempts });
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
      let reply: TimedReply;
      try {
        reply = await sendWithDeadlines(
          this.options.fetch,
          this.#url,
          { method: 'POST', headers, body: encodeRequestBody(body), signal: request.signal },
          this.#deadlines,
        );
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason;
        if (error instanceof DeadlineError) {
          attempts.push({ account: account.alias, outcome: `timed out: ${error.message}` });
          this.#mark(
            account.id,
            { reason: 'timed out', detail: `timed out: ${error.message}`, cooldownUntil: clock.now() + BAD_REPLY_COOLDOWN_MS },
            clock.now(),
          );
          return undefined;
        }
        const message = error instanceof Error ? error.message : String(error);
        attempts.push({ account: account.alias, outcome: `network error: ${message}` });
        await sleep(serverBackoffMs(attempt), request.signal);
        return undefined;
      }

      const now = clock.now();
      this.#rateLimits.record(account.id, reply, now, model);
      let verdict: ReplyVerdict;
      /** What exactly went wrong, when the status alone does not say it. */
      let detail: string | undefined;
      let replyBody: string | Uint8Array;
      if (reply.ok) {
        const gate = await openStreamGate(reply, {
          signal: request.signal,
          accountAlias: account.alias,
          now,
          onFailureAfterOutput: (failure) => this.#recordFailureAfterOutput(account, failure),
        });
        if (gate.kind === 'answer') {
          this.#served(account, sessionId, now);
          attempts.push({ account: account.alias, status: reply.status, outcome: 'served' });
          return new Response(gate.body, { status: reply.status, statusText: reply.statusText, headers: forwardedHeaders(reply.headers) });
        }
        ({ verdict, detail, held: replyBody } = gate);
      } else {
        try {
          replyBody = await reply.text();
          verdict = classifyReply(reply.status, reply.headers, replyBody, now);
        } catch (error) {
          // A body cut short by OpenCode's abort says nothing about the account: stop here.
          if (request.signal?.aborted) throw request.signal.reason;
          replyBody = '';
          verdict = error instanceof DeadlineError ? { kind: 'bad-reply', reason: 'timed out' } : { kind: 'server-error' };
          detail =
            error instanceof DeadlineError
              ? `timed out: HTTP ${reply.status} ${error.message}`
              : `network error reading HTTP ${reply.status}: ${String(error)}`;
        }
      }
      const burstStreak = verdict.kind === 'burst-limit' ? (this.#burstStreaks.get(account.id) ?? 0) + 1 : 0;
      if (verdict.kind === 'burst-limit') this.#burstStreaks.set(account.id, burstStreak);
      const step = decideFailover(verdict, { now, model, refreshedThisRequest: refreshed, reasoningStripped, burstStreak, attempt });
      attempts.push({
        account: account.alias,
        status: reply.status,
        outcome: `HTTP ${reply.status} ${detail ?? (step.action === 'next-account' ? (step.mark?.reason ?? verdict.kind.replace('-', ' ')) : step.action)}`,
      });

      switch (step.action) {
        case 'serve':
        case 'pass-through':
          return new Response(replyBody as BodyInit, { status: reply.status, statusText: reply.statusText, headers: forwardedHeaders(reply.headers) });
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
        case 'next-account': {
          const mark = step.mark ? { ...step.mark, detail: detail ?? step.mark.detail } : detail ? { reason: detail } : undefined;
          if (mark) this.#mark(account.id, mark, now);
          await sleep(step.delayMs, request.signal);
          return undefined;
        }
      }
    }
  }

  /** The account answered: it serves this session from now on. */
  #served(account: Account, sessionId: string | undefined, now: number): void {
    this.#burstStreaks.delete(account.id);
    const moved = sessionId !== undefined && this.options.rotator.sessionAccount(sessionId, this.options.store.peek()) !== account.id;
    this.options.rotator.served(account.id, sessionId);
    this.options.store.defer((data) => {
      recordRequestServed(data, account.id, now);
      // Only a new assignment is worth writing; it lets a resumed session find its account.
      if (moved) rememberSession(data, sessionId, account.id, now);
    });
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
      const now = this.options.clock.now();
      this.#mark(
        account.id,
        { reason: 'token refresh failing', detail: `token refresh failed: ${message}`, cooldownUntil: now + TOKEN_TROUBLE_COOLDOWN_MS },
        now,
      );
      return undefined;
    }
  }

  /** After output began the request cannot move; the next one can avoid the account. */
  #recordFailureAfterOutput(account: Account, failure: FailureAfterOutput): void {
    const now = this.options.clock.now();
    let mark: AccountMark;
    if (failure.kind === 'event') {
      const { event, code, message } = failure.failure;
      const detail = `${event === 'error' ? 'error event' : event} mid-stream${code ? ` (${code})` : ''}${message ? `: ${message}` : ''}`;
      mark = { reason: detail };
      if (code === 'usage_limit_reached' || code === 'insufficient_quota') mark.cooldownUntil = now + 15 * 60_000;
      else if (code === 'rate_limit_exceeded') mark.cooldownUntil = now + burstCooldownMs(undefined, 1);
    } else {
      // No cooldown: OpenCode retries the turn, and the session's own account (its prompt cache) deserves that try.
      const what = { stalled: 'silent past the idle deadline', truncated: 'ended without completion', broken: 'connection broke' }[failure.kind];
      mark = { reason: `stream ${what} after output had started` };
    }
    this.options.logger.warn('stream failed after it started; the next request will know', { account: account.alias, failure: mark.reason });
    this.#mark(account.id, mark, now);
  }

  #mark(accountId: string, mark: AccountMark, now: number): void {
    this.options.store.defer((data: StoreData) => {
      if (mark.cooldownUntil !== undefined) extendCooldown(data, accountId, mark.cooldownUntil, mark.reason, now);
      if (mark.familyCooldown) extendFamilyCooldown(data, accountId, mark.familyCooldown.family, mark.familyCooldown.until, mark.reason);
      if (mark.workspaceDeactivatedUntil !== undefined) markWorkspaceDeactivated(data, accountId, mark.workspaceDeactivatedUntil);
      if (mark.unsupportedModel) markModelUnsupported(data, accountId, mark.unsupportedModel.model, mark.unsupportedModel.until);
      if (mark.reloginRequired) markReloginRequired(data, accountId, mark.reason, now);
      recordError(data, accountId, mark.detail ?? mark.reason, now);
    });
  }

  #noEligibleAccount(choice: Extract<Choice, { ok: false }>, now: number, attempts: AttemptRecord[], model: string | undefined): Response {
    const message = describeNoEligibleAccount(choice, now);
    this.options.onEvent?.({ kind: 'no-eligible-account', choice, model });
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
        {
          message: `Every account failed for this request (${tried}). This looks like a passing backend or network problem; retrying.`,
          type: 'server_error',
          code: 'all_accounts_failed',
        },
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
    const context = { now: clock.now(), model, pauseAtPercent: config.pauseAtPercent, snapshotStaleAfterMs: config.snapshotStaleAfter };
    const others = passedOver(store.peek(), attempts, context);
    const because = chosenBecause(store.peek(), attempts, reason, context);
    logger.debug('request routed', { model, session: sessionId, reason, because, attempts, others, explanation: message });
  }
}
