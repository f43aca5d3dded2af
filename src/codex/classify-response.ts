import { z } from 'zod';
import { activeFamily } from '../usage/limit-families.js';

/** What a Codex reply means for the account that sent it, decided before a byte reaches OpenCode. */
export type ReplyVerdict =
  /** Serve it: the stream goes to OpenCode. */
  | { kind: 'ok' }
  /**
   * 429 usage_limit_reached: out of quota until `resetsAt` (epoch ms; undefined when not given).
   * `family`: the limit family `x-codex-active-limit` named; undefined for the account-wide limit.
   */
  | { kind: 'quota-exhausted'; resetsAt?: number; planType?: string; family?: string }
  /** 429 usage_not_included: the plan does not include Codex. */
  | { kind: 'plan-excludes-codex' }
  /** Any other 429: a burst limit, seconds or minutes, never hours. */
  | { kind: 'burst-limit'; retryAfterMs?: number }
  /** 401: the access token was refused. `message` is the backend's own words, when it gave some. */
  | { kind: 'unauthorized'; code?: string; message?: string }
  /**
   * 401 "Workspace is not authorized in this region.": the workspace is residency-locked or FedRAMP and
   * the request did not reach it through its region. Not a token problem: a refresh cannot fix it.
   */
  | { kind: 'workspace-region'; message: string }
  /** 403 HTML or `cf-mitigated: challenge`: a Cloudflare challenge, usually per IP. Not an auth failure. */
  | { kind: 'challenge' }
  /** 403 JSON: the account may not use this; not proof the token is bad. */
  | { kind: 'forbidden'; message?: string }
  /** 402 deactivated_workspace. */
  | { kind: 'workspace-deactivated' }
  /** 400: the model is not offered to this account. */
  | { kind: 'model-unsupported'; message: string }
  /** 400 invalid_encrypted_content: reasoning from another account was replayed. */
  | { kind: 'foreign-reasoning' }
  /** 5xx (overloaded, slow_down, bad gateway): try elsewhere with backoff. */
  | { kind: 'server-error'; retryAfterMs?: number }
  /** Any other 4xx: the request itself is wrong; another account would fail too. Passed to OpenCode. */
  | { kind: 'request-error' };

const ErrorBodySchema = z.looseObject({
  error: z
    .union([
      z.string(),
      z.looseObject({
        type: z.string().nullish(),
        code: z.string().nullish(),
        message: z.string().nullish(),
        plan_type: z.string().nullish(),
        resets_at: z.number().nullish(),
        resets_in_seconds: z.number().nullish(),
      }),
    ])
    .nullish(),
  detail: z.union([z.string(), z.looseObject({ code: z.string().nullish() })]).nullish(),
});

interface ErrorFacts {
  type?: string;
  code?: string;
  message?: string;
  planType?: string;
  resetsAt?: number;
  resetsInSeconds?: number;
  detailCode?: string;
}

function readErrorFacts(body: string): ErrorFacts | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const { error, detail } = parsed.data;
  const facts: ErrorFacts = {};
  if (typeof error === 'string') facts.code = error;
  else if (error) {
    facts.type = error.type ?? undefined;
    facts.code = error.code ?? undefined;
    facts.message = error.message ?? undefined;
    facts.planType = error.plan_type ?? undefined;
    facts.resetsAt = error.resets_at ?? undefined;
    facts.resetsInSeconds = error.resets_in_seconds ?? undefined;
  }
  if (typeof detail === 'string') facts.message ??= detail;
  else if (detail?.code) facts.detailCode = detail.code;
  return facts;
}

/** `retry-after-ms`, else `retry-after` in seconds or as an HTTP date. */
export function readRetryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = Number.parseFloat(headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isChallenge(headers: Headers, body: string): boolean {
  if ((headers.get('cf-mitigated') ?? '').toLowerCase() === 'challenge') return true;
  const type = headers.get('content-type') ?? '';
  return type.includes('text/html') || /^\s*<(!doctype|html)/i.test(body);
}

const MODEL_UNSUPPORTED = /model.*(not supported|does not exist|not available|unsupported)|unsupported model/i;

/** The backend's words for a request that reached a residency-locked or FedRAMP workspace from the wrong region (PROTOCOL.md §8). */
export const WORKSPACE_REGION = /not authorized in this region/i;

/**
 * Classifies a reply by status, headers and (for errors) body. Pure: the request path acts on the
 * verdict. `body` is only read for non-2xx replies.
 */
export function classifyReply(status: number, headers: Headers, body: string, now: number): ReplyVerdict {
  if (status < 400) return { kind: 'ok' };
  const facts = readErrorFacts(body);
  const code = facts?.code ?? facts?.type;
  if (status === 429) {
    if (facts?.type === 'usage_limit_reached' || facts?.code === 'usage_limit_reached') {
      const resetsAt =
        facts.resetsAt !== undefined
          ? facts.resetsAt * 1_000
          : facts.resetsInSeconds !== undefined
            ? now + facts.resetsInSeconds * 1_000
            : undefined;
      const family = activeFamily(headers.get('x-codex-active-limit'));
      return { kind: 'quota-exhausted', resetsAt, planType: facts.planType, ...(family === undefined ? {} : { family }) };
    }
    if (code === 'usage_not_included') return { kind: 'plan-excludes-codex' };
    return { kind: 'burst-limit', retryAfterMs: readRetryAfterMs(headers, now) };
  }
  if (status === 401) {
    if (facts?.message && WORKSPACE_REGION.test(facts.message)) return { kind: 'workspace-region', message: facts.message };
    return { kind: 'unauthorized', code, ...(facts?.message ? { message: facts.message } : {}) };
  }
  if (status === 403) {
    if (isChallenge(headers, body)) return { kind: 'challenge' };
    return { kind: 'forbidden', message: facts?.message };
  }
  if (status === 402 || facts?.detailCode === 'deactivated_workspace' || code === 'deactivated_workspace') {
    return { kind: 'workspace-deactivated' };
  }
  if (status >= 500) return { kind: 'server-error', retryAfterMs: readRetryAfterMs(headers, now) };
  if (status === 400 && code === 'invalid_encrypted_content') return { kind: 'foreign-reasoning' };
  if (status === 400 && facts?.message && MODEL_UNSUPPORTED.test(facts.message) && !/parameter/i.test(facts.message)) {
    return { kind: 'model-unsupported', message: facts.message };
  }
  if (status === 408 || status === 409) return { kind: 'server-error', retryAfterMs: readRetryAfterMs(headers, now) };
  return { kind: 'request-error' };
}
