import { z } from 'zod';
import type { SseEvent } from './sse-frames.js';
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
  | { kind: 'request-error' }
  /**
   * Not an answer, though it may look like one: a 200 that is not an event stream, a stream that
   * ends or goes silent before its answer, `response.incomplete` before any output. `reason` is
   * the short cooldown reason ("timed out", "bad reply").
   */
  | { kind: 'bad-reply'; reason: string };

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
function readRetryAfterMs(headers: Headers, now: number): number | undefined {
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
const WORKSPACE_REGION = /not authorized in this region/i;

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
        facts.resetsAt !== undefined ? facts.resetsAt * 1_000 : facts.resetsInSeconds !== undefined ? now + facts.resetsInSeconds * 1_000 : undefined;
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

/** A 200 is only an answer when it is an event stream (PROTOCOL.md §8). */
export function isEventStream(headers: Headers): boolean {
  return (headers.get('content-type') ?? '').toLowerCase().startsWith('text/event-stream');
}

/** What one event at the head of a stream means, seen before any byte has reached OpenCode. */
export type StreamEventVerdict =
  /** Bookkeeping before the answer (`response.created`, `in_progress`, `queued`, keep-alives): keep waiting. */
  | { kind: 'hold' }
  /** The answer has begun (or completed): pass the stream on. */
  | { kind: 'answer' }
  /** The account could not answer: fail over as the verdict says; `detail` is recorded on the account. */
  | { kind: 'refuse'; verdict: ReplyVerdict; detail: string };

const BOOKKEEPING_EVENTS = new Set(['response.created', 'response.in_progress', 'response.queued']);

/** Error codes of a stream's `error` / `response.failed` event that say the account cannot serve now. */
const CODE_VERDICTS: Record<string, (facts: ErrorFacts, now: number) => ReplyVerdict> = {
  usage_limit_reached: (facts, now) => quotaVerdict(facts, now),
  insufficient_quota: (facts, now) => quotaVerdict(facts, now),
  usage_not_included: () => ({ kind: 'plan-excludes-codex' }),
  rate_limit_exceeded: () => ({ kind: 'burst-limit' }),
  invalid_encrypted_content: () => ({ kind: 'foreign-reasoning' }),
};

/** Codes that say the request itself is wrong: every account would answer the same, so OpenCode is told. */
const REQUEST_ERROR_CODES = new Set(['context_length_exceeded', 'invalid_prompt', 'invalid_request_error', 'invalid_value', 'cyber_policy', 'content_filter']);

function quotaVerdict(facts: ErrorFacts, now: number): ReplyVerdict {
  const resetsAt =
    facts.resetsAt !== undefined ? facts.resetsAt * 1_000 : facts.resetsInSeconds !== undefined ? now + facts.resetsInSeconds * 1_000 : undefined;
  return { kind: 'quota-exhausted', resetsAt, planType: facts.planType };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The error of a top-level `error` event, or of `response.failed`'s `response.error`. */
function streamErrorFacts(event: SseEvent): ErrorFacts {
  const { data } = event;
  const nested = (event.type === 'response.failed' ? (data.response as Record<string, unknown> | undefined)?.error : data.error) as
    Record<string, unknown> | undefined;
  const inner = nested && typeof nested === 'object' ? nested : undefined;
  const source = inner ?? data;
  return {
    code: str(source.code) ?? str(inner?.type),
    message: str(source.message),
    planType: str(source.plan_type),
    resetsAt: num(source.resets_at),
    resetsInSeconds: num(source.resets_in_seconds),
  };
}

/**
 * Classifies one event at the head of a 200 stream, before any byte reaches OpenCode. Pure. A
 * top-level `error` or a `response.failed` means what the same code means on a 429/5xx; an
 * unknown code is treated as a passing server failure, as the codex CLI retries it.
 */
export function classifyStreamEvent(event: SseEvent, now: number): StreamEventVerdict {
  if (BOOKKEEPING_EVENTS.has(event.type)) return { kind: 'hold' };
  if (event.type === 'response.incomplete') {
    const details = (event.data.response as Record<string, unknown> | undefined)?.incomplete_details as Record<string, unknown> | undefined;
    const why = str(details?.reason) ?? 'no reason given';
    return { kind: 'refuse', verdict: { kind: 'bad-reply', reason: 'incomplete reply' }, detail: `response.incomplete before any output: ${why}` };
  }
  if (event.type !== 'error' && event.type !== 'response.failed') {
    // Other events of the backend's own (rate-limit notes and the like) come before the answer too.
    return event.type.startsWith('response.') ? { kind: 'answer' } : { kind: 'hold' };
  }
  const facts = streamErrorFacts(event);
  const code = facts.code ?? 'no code';
  const detail = `${event.type === 'error' ? 'error event' : 'response.failed'}: ${code}`;
  if (facts.code && REQUEST_ERROR_CODES.has(facts.code)) return { kind: 'answer' };
  const known = facts.code ? CODE_VERDICTS[facts.code] : undefined;
  if (known) return { kind: 'refuse', verdict: known(facts, now), detail };
  if (facts.message && MODEL_UNSUPPORTED.test(facts.message) && !/parameter/i.test(facts.message)) {
    return { kind: 'refuse', verdict: { kind: 'model-unsupported', message: facts.message }, detail };
  }
  return { kind: 'refuse', verdict: { kind: 'server-error' }, detail };
}
