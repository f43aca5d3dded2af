import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { challengeBackoffMs, classifyUsageAnswer, fallsBackToOtherRoute, isRetriedOnSameRoute } from './classify-usage-answer.js';
import { codexRequestHeaders } from '../http/codex-request-headers.js';
import { UsageEndpointError, type UsageRoute } from './errors.js';
import { UsageReplySchema, type UsageReply } from './usage-response.js';

export interface UsageClientOptions {
  /** `{base}` of `{base}/codex/usage`, without a trailing slash. */
  baseUrl: string;
  /** The runtime's fetch (inside OpenCode: Bun's). Default the global fetch. */
  fetch?: typeof fetch;
  /** Per HTTP call, headers and body together. Default 15 s. */
  timeoutMs?: number;
  /** How many times a Cloudflare challenge is retried on the same route. Default 3. */
  challengeRetries?: number;
  /** First backoff step after a challenge; doubles each retry, jittered. Default 500 ms. */
  retryBaseMs?: number;
  /** Cap of one backoff step. Default 8 s. */
  retryMaxMs?: number;
  /** Injected for tests and benchmarks. Default setTimeout-based, abortable. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Default Math.random. */
  random?: () => number;
  logger?: Logger;
}

export interface UsageReadRequest {
  accessToken: string;
  chatgptAccountId: string;
  /** The route that last answered for this base; tried first. Default `codex`. */
  preferredRoute?: UsageRoute;
  signal?: AbortSignal;
  /** For log lines only. */
  accountId?: string;
}

export interface UsageRead {
  reply: UsageReply;
  /** The route that answered, to remember for next time. */
  route: UsageRoute;
}

const ROUTE_PATH: Record<UsageRoute, string> = { codex: '/codex/usage', wham: '/wham/usage' };

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Reads an account's usage: `GET {base}/codex/usage`, falling back to `/wham/usage` on 403 or 404
 * (the two routes have each been seen refusing every token). A Cloudflare challenge is retried
 * with backoff and jitter; a JSON error is not. Throws {@link UsageEndpointError}.
 */
export class UsageClient {
  private readonly fetch: typeof fetch;
  private readonly timeoutMs: number;
  private readonly challengeRetries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly logger: Logger;

  constructor(private readonly options: UsageClientOptions) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.challengeRetries = options.challengeRetries ?? 3;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.retryMaxMs = options.retryMaxMs ?? 8_000;
    this.sleep = options.sleep ?? abortableSleep;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? silentLogger;
  }

  async read(request: UsageReadRequest): Promise<UsageRead> {
    const first = request.preferredRoute ?? 'codex';
    const routes: UsageRoute[] = first === 'codex' ? ['codex', 'wham'] : ['wham', 'codex'];
    const failures: UsageEndpointError[] = [];
    for (const route of routes) {
      try {
        return { reply: await this.readRoute(route, request), route };
      } catch (error) {
        if (!(error instanceof UsageEndpointError)) throw error;
        failures.push(error);
        if (!fallsBackToOtherRoute(error.kind)) throw error;
        this.logger.debug('usage route refused, trying the other one', { accountId: request.accountId, route, kind: error.kind });
      }
    }
    // Both routes refused. The first refusal speaks for the account unless the second says more.
    const last = failures[failures.length - 1]!;
    const tried = failures.map((failure) => failure.details.route!).filter(Boolean);
    throw new UsageEndpointError(last.kind, `Both usage routes refused: ${failures.map((failure) => failure.message).join('; ')}.`, { ...last.details, tried });
  }

  private async readRoute(route: UsageRoute, request: UsageReadRequest): Promise<UsageReply> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.readOnce(route, request, attempt + 1);
      } catch (error) {
        if (!(error instanceof UsageEndpointError)) throw error;
        if (!isRetriedOnSameRoute(error.kind) || attempt >= this.challengeRetries) throw error;
        const wait = challengeBackoffMs(attempt, this.retryBaseMs, this.retryMaxMs, this.random());
        this.logger.debug('usage read challenged, backing off', { accountId: request.accountId, route, attempt: attempt + 1, waitMs: wait });
        try {
          await this.sleep(wait, request.signal);
        } catch {
          throw new UsageEndpointError('cancelled', 'The usage read was cancelled.', { route });
        }
      }
    }
  }

  private async readOnce(route: UsageRoute, request: UsageReadRequest, attempts: number): Promise<UsageReply> {
    const url = `${this.options.baseUrl}${ROUTE_PATH[route]}`;
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let status: number;
    let body: string;
    let headers: Headers;
    try {
      const response = await this.fetch(url, {
        method: 'GET',
        headers: codexRequestHeaders(request.accessToken, request.chatgptAccountId),
        signal,
      });
      status = response.status;
      headers = response.headers;
      body = await response.text();
    } catch (error) {
      if (request.signal?.aborted) throw new UsageEndpointError('cancelled', 'The usage read was cancelled.', { route, attempts });
      if (timeout.aborted) {
        throw new UsageEndpointError('timeout', `GET ${ROUTE_PATH[route]} gave no answer within ${this.timeoutMs} ms.`, { route, attempts });
      }
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageEndpointError('network', `GET ${ROUTE_PATH[route]} failed before an answer: ${reason}.`, { route, attempts });
    }
    const verdict = classifyUsageAnswer({
      status,
      contentType: headers.get('content-type'),
      cfMitigated: headers.get('cf-mitigated'),
      body,
    });
    if (verdict.kind !== 'ok') {
      const detail = 'detail' in verdict ? verdict.detail : '';
      throw new UsageEndpointError(verdict.kind, `GET ${ROUTE_PATH[route]} answered ${detail}`, { route, status, attempts });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new UsageEndpointError('malformed', `GET ${ROUTE_PATH[route]} answered ${status} with a body that is not JSON`, { route, status, attempts });
    }
    const parsed = UsageReplySchema.safeParse(json);
    if (!parsed.success) {
      throw new UsageEndpointError('malformed', `GET ${ROUTE_PATH[route]} answered ${status} with JSON that is not a usage reply`, { route, status, attempts });
    }
    return parsed.data;
  }
}
