import type { ReplyVerdict } from './classify-response.js';
import { QUOTA_COOLDOWN_REASON } from '../store/cooldown-reasons.js';
import { MODEL_UNSUPPORTED_MS } from '../models/catalog-mutations.js';

/** Changes to an account's health that a failed attempt calls for. */
export interface AccountMark {
  /** Why the account is out: the cooldown reason. */
  reason: string;
  /** What exactly happened, recorded as the account's last error. Default `reason`. */
  detail?: string;
  cooldownUntil?: number;
  workspaceDeactivatedUntil?: number;
  reloginRequired?: boolean;
  unsupportedModel?: { model: string; until: number };
  /** A limit family is out on this account: its models only, not the account. */
  familyCooldown?: { family: string; until: number };
}

export type FailoverStep =
  /** Hand the reply to OpenCode. */
  | { action: 'serve' }
  /** The request itself is wrong: hand the error to OpenCode as it is. */
  | { action: 'pass-through' }
  /** Refresh the token once and send again on the same account. */
  | { action: 'refresh-and-retry' }
  /** Send again on the same account without encrypted reasoning from another account. */
  | { action: 'retry-without-reasoning' }
  /** Mark the account (if `mark`), wait `delayMs`, then try the next eligible account. */
  | { action: 'next-account'; mark?: AccountMark; delayMs: number };

export interface FailoverContext {
  now: number;
  model?: string;
  /** The token was already refreshed for this account during this request. */
  refreshedThisRequest: boolean;
  /** Encrypted reasoning was already removed for this request. */
  reasoningStripped: boolean;
  /** Bursts this account hit in a row, this one included (1 for the first). */
  burstStreak: number;
  /** Attempts made for this request so far, this one included. */
  attempt: number;
}

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * The cooldown reason of a burst limit. Not worded as a "rate limit": OpenCode retries any error
 * whose message says so, even one it would otherwise give up on.
 */
const BURST_COOLDOWN_REASON = 'briefly throttled (burst)';

/** A quota reset further out than this is not believed (a bad clock or a bad reply); the usage refresher corrects it. */
export const QUOTA_HORIZON_MS = 8 * 24 * HOUR;
/** When a usage-limit reply gives no reset time: short enough that a usage refresh sets the real one. */
export const QUOTA_UNKNOWN_RESET_COOLDOWN_MS = 15 * MINUTE;
export const BURST_COOLDOWN_CAP_MS = 5 * MINUTE;
export const CHALLENGE_COOLDOWN_MS = 1 * MINUTE;
export const FORBIDDEN_COOLDOWN_MS = 5 * MINUTE;
export const WORKSPACE_DEACTIVATED_MS = 30 * MINUTE;
export const PLAN_EXCLUDES_COOLDOWN_MS = 6 * HOUR;
/**
 * A workspace refused in this region: the headers came from its own claims, so retrying at once
 * would fail the same way. Long enough not to pester the backend, short enough to notice a fix.
 */
export const WORKSPACE_REGION_COOLDOWN_MS = 30 * MINUTE;
/** A token refused right after a successful refresh: the sign-in is alive, so this is the backend's trouble, not a dead token. */
export const REFUSED_AFTER_REFRESH_COOLDOWN_MS = 15 * MINUTE;
/**
 * A reply that timed out or was not an answer: spares the next requests the same wait, and stays
 * within the default MAX_RETRY_WAIT so that with every account out, OpenCode is told to retry.
 */
export const BAD_REPLY_COOLDOWN_MS = 30 * SECOND;

/** Backoff between attempts after a server-side failure: 250 ms doubling, at most 2 s. */
export function serverBackoffMs(attempt: number): number {
  return Math.min(2 * SECOND, 250 * 2 ** Math.max(0, attempt - 1));
}

/** A burst cooldown: what the server asked for, else 1 s doubling per burst in a row; minutes at most, never hours. */
export function burstCooldownMs(retryAfterMs: number | undefined, streak: number): number {
  const asked = retryAfterMs ?? SECOND * 2 ** Math.max(0, streak - 1);
  return Math.min(BURST_COOLDOWN_CAP_MS, Math.max(SECOND, asked));
}

/** Decides what one reply means for the request and the account. Pure. */
export function decideFailover(verdict: ReplyVerdict, context: FailoverContext): FailoverStep {
  const { now } = context;
  switch (verdict.kind) {
    case 'ok':
      return { action: 'serve' };
    case 'request-error':
      return { action: 'pass-through' };
    case 'quota-exhausted': {
      const until = Math.max(
        verdict.resetsAt === undefined ? now + QUOTA_UNKNOWN_RESET_COOLDOWN_MS : Math.min(verdict.resetsAt, now + QUOTA_HORIZON_MS),
        now + SECOND,
      );
      // A family's limit (PROTOCOL.md §8) cools that family's models on this account, not the account.
      if (verdict.family !== undefined) {
        return {
          action: 'next-account',
          mark: { reason: `${verdict.family} ${QUOTA_COOLDOWN_REASON}`, familyCooldown: { family: verdict.family, until } },
          delayMs: 0,
        };
      }
      return { action: 'next-account', mark: { reason: QUOTA_COOLDOWN_REASON, cooldownUntil: until }, delayMs: 0 };
    }
    case 'plan-excludes-codex':
      return { action: 'next-account', mark: { reason: 'plan does not include Codex', cooldownUntil: now + PLAN_EXCLUDES_COOLDOWN_MS }, delayMs: 0 };
    case 'burst-limit':
      return {
        action: 'next-account',
        mark: { reason: BURST_COOLDOWN_REASON, cooldownUntil: now + burstCooldownMs(verdict.retryAfterMs, context.burstStreak) },
        delayMs: 0,
      };
    case 'unauthorized':
      if (!context.refreshedThisRequest) return { action: 'refresh-and-retry' };
      // The refresh just worked, so the sign-in is alive: a new one would not help. Say what the backend said.
      return {
        action: 'next-account',
        mark: {
          reason: `the backend refused a freshly refreshed token (401${verdict.code ? ` ${verdict.code}` : ''}${verdict.message ? `: ${verdict.message.slice(0, 160)}` : ''})`,
          cooldownUntil: now + REFUSED_AFTER_REFRESH_COOLDOWN_MS,
        },
        delayMs: 0,
      };
    case 'workspace-region':
      return {
        action: 'next-account',
        mark: { reason: `the backend said: ${verdict.message.slice(0, 160)}`, cooldownUntil: now + WORKSPACE_REGION_COOLDOWN_MS },
        delayMs: 0,
      };
    case 'challenge':
      return { action: 'next-account', mark: { reason: 'Cloudflare challenge', cooldownUntil: now + CHALLENGE_COOLDOWN_MS }, delayMs: 0 };
    case 'forbidden':
      return {
        action: 'next-account',
        mark: { reason: `forbidden (403${verdict.message ? `: ${verdict.message.slice(0, 120)}` : ''})`, cooldownUntil: now + FORBIDDEN_COOLDOWN_MS },
        delayMs: 0,
      };
    case 'workspace-deactivated':
      return { action: 'next-account', mark: { reason: 'workspace deactivated', workspaceDeactivatedUntil: now + WORKSPACE_DEACTIVATED_MS }, delayMs: 0 };
    case 'model-unsupported':
      if (context.model === undefined) return { action: 'pass-through' };
      return {
        action: 'next-account',
        mark: { reason: `model ${context.model} not offered`, unsupportedModel: { model: context.model, until: now + MODEL_UNSUPPORTED_MS } },
        delayMs: 0,
      };
    case 'foreign-reasoning':
      return context.reasoningStripped ? { action: 'pass-through' } : { action: 'retry-without-reasoning' };
    case 'bad-reply':
      return { action: 'next-account', mark: { reason: verdict.reason, cooldownUntil: now + BAD_REPLY_COOLDOWN_MS }, delayMs: 0 };
    case 'server-error':
      return { action: 'next-account', delayMs: Math.min(verdict.retryAfterMs ?? serverBackoffMs(context.attempt), 5 * SECOND) };
  }
}
