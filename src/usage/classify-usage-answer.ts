import type { UsageFailureKind } from './errors.js';

/** The parts of an HTTP answer the classification looks at. */
export interface UsageAnswer {
  status: number;
  contentType?: string | null;
  cfMitigated?: string | null;
  /** The body text (only the start matters). */
  body: string;
}

export type UsageAnswerClass = { kind: 'ok' } | { kind: UsageFailureKind; detail: string };

/** An HTML body or `cf-mitigated: challenge` is Cloudflare speaking, whatever the status. */
export function isChallenge(answer: Pick<UsageAnswer, 'contentType' | 'cfMitigated' | 'body'>): boolean {
  if (answer.cfMitigated?.toLowerCase().includes('challenge')) return true;
  if (answer.contentType?.toLowerCase().includes('text/html')) return true;
  const start = answer.body.trimStart().slice(0, 15).toLowerCase();
  return start.startsWith('<!doctype html') || start.startsWith('<html');
}

/** The machine-readable error code of a JSON error body (`error.code`, `error.type`, `detail.code`, `code`). */
export function errorCode(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  for (const holder of [record.error, record.detail, record]) {
    if (holder && typeof holder === 'object') {
      const inner = holder as Record<string, unknown>;
      for (const key of ['code', 'type']) if (typeof inner[key] === 'string') return inner[key];
    }
  }
  return undefined;
}

/** The backend's own words in a JSON error body (`error.message`, `detail`, `message`), trimmed. */
export function errorMessage(body: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const error = record.error && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : undefined;
  for (const candidate of [error?.message, record.detail, record.message]) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim().slice(0, 200);
  }
  return undefined;
}

/** Decides what a usage-endpoint answer means. Pure: tested by a table, no server. */
export function classifyUsageAnswer(answer: UsageAnswer): UsageAnswerClass {
  const { status } = answer;
  if (isChallenge(answer)) return { kind: 'challenge', detail: `Cloudflare challenge (HTTP ${status})` };
  if (status >= 200 && status < 300) return { kind: 'ok' };
  const code = errorCode(answer.body);
  const suffix = code ? ` ${code}` : '';
  if (status === 401) {
    const message = errorMessage(answer.body);
    if (message && /not authorized in this region/i.test(message)) return { kind: 'workspace-region', detail: `HTTP 401: ${message}` };
    return { kind: 'unauthorized', detail: `HTTP 401${suffix}${message ? `: ${message}` : ''}` };
  }
  if (status === 402 && code === 'deactivated_workspace') return { kind: 'deactivated-workspace', detail: 'HTTP 402 deactivated_workspace' };
  if (status === 403) return { kind: 'forbidden', detail: `HTTP 403${suffix}` };
  if (status === 404) return { kind: 'not-found', detail: 'HTTP 404' };
  if (status === 429) return { kind: 'rate-limited', detail: `HTTP 429${suffix}` };
  return { kind: 'http', detail: `HTTP ${status}${suffix}` };
}

/** Only a challenge is retried on the same route; a JSON error says the same thing the next time. */
export function isRetriedOnSameRoute(kind: UsageFailureKind): boolean {
  return kind === 'challenge';
}

/** 403 (JSON or a challenge that outlasted its retries) and 404 mean "try the other usage route". */
export function fallsBackToOtherRoute(kind: UsageFailureKind): boolean {
  return kind === 'forbidden' || kind === 'not-found' || kind === 'challenge';
}

/** Exponential backoff with full jitter in [0.5, 1.5) of the step, capped. `random` is in [0, 1). */
export function challengeBackoffMs(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const step = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(step * (0.5 + random));
}
