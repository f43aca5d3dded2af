import { describe, expect, it } from 'vitest';
import type { ReplyVerdict } from '../../src/codex/classify-response.js';
import { MODEL_UNSUPPORTED_MS } from '../../src/models/catalog-mutations.js';
import {
  BAD_REPLY_COOLDOWN_MS,
  BURST_COOLDOWN_CAP_MS,
  CHALLENGE_COOLDOWN_MS,
  FORBIDDEN_COOLDOWN_MS,
  PLAN_EXCLUDES_COOLDOWN_MS,
  QUOTA_HORIZON_MS,
  QUOTA_UNKNOWN_RESET_COOLDOWN_MS,
  REFUSED_AFTER_REFRESH_COOLDOWN_MS,
  WORKSPACE_DEACTIVATED_MS,
  WORKSPACE_REGION_COOLDOWN_MS,
  burstCooldownMs,
  decideFailover,
  type FailoverContext,
  type FailoverStep,
} from '../../src/codex/failover-policy.js';

const NOW = Date.UTC(2026, 4, 12, 10, 0, 0);
const HOUR = 3_600_000;

function context(fields: Partial<FailoverContext> = {}): FailoverContext {
  return { now: NOW, model: 'gpt-5.4', refreshedThisRequest: false, reasoningStripped: false, burstStreak: 0, attempt: 1, ...fields };
}

interface Row {
  name: string;
  verdict: ReplyVerdict;
  context?: Partial<FailoverContext>;
  expected: FailoverStep;
}

const ROWS: Row[] = [
  { name: 'ok is served', verdict: { kind: 'ok' }, expected: { action: 'serve' } },
  { name: 'a request error is passed through', verdict: { kind: 'request-error' }, expected: { action: 'pass-through' } },
  {
    name: 'quota exhausted cools the account until its reset and moves on',
    verdict: { kind: 'quota-exhausted', resetsAt: NOW + 3 * HOUR },
    expected: { action: 'next-account', mark: { reason: 'usage limit reached', cooldownUntil: NOW + 3 * HOUR }, delayMs: 0 },
  },
  {
    name: 'quota exhausted with a reset beyond the horizon is bounded by the horizon',
    verdict: { kind: 'quota-exhausted', resetsAt: NOW + 400 * 24 * HOUR },
    expected: { action: 'next-account', mark: { reason: 'usage limit reached', cooldownUntil: NOW + QUOTA_HORIZON_MS }, delayMs: 0 },
  },
  {
    name: 'quota exhausted with no reset time cools for the default',
    verdict: { kind: 'quota-exhausted' },
    expected: { action: 'next-account', mark: { reason: 'usage limit reached', cooldownUntil: NOW + QUOTA_UNKNOWN_RESET_COOLDOWN_MS }, delayMs: 0 },
  },
  {
    name: 'quota exhausted with a reset already past still cools for a second',
    verdict: { kind: 'quota-exhausted', resetsAt: NOW - HOUR },
    expected: { action: 'next-account', mark: { reason: 'usage limit reached', cooldownUntil: NOW + 1_000 }, delayMs: 0 },
  },
  {
    name: "a limit family's quota cools that family on the account, never the account",
    verdict: { kind: 'quota-exhausted', resetsAt: NOW + 3 * HOUR, family: 'codex_bengalfox' },
    expected: {
      action: 'next-account',
      mark: { reason: 'codex_bengalfox usage limit reached', familyCooldown: { family: 'codex_bengalfox', until: NOW + 3 * HOUR } },
      delayMs: 0,
    },
  },
  {
    name: 'a plan without Codex cools for hours',
    verdict: { kind: 'plan-excludes-codex' },
    expected: { action: 'next-account', mark: { reason: 'plan does not include Codex', cooldownUntil: NOW + PLAN_EXCLUDES_COOLDOWN_MS }, delayMs: 0 },
  },
  {
    name: 'a burst with retry-after cools for exactly that',
    verdict: { kind: 'burst-limit', retryAfterMs: 7_000 },
    context: { burstStreak: 1 },
    expected: { action: 'next-account', mark: { reason: 'briefly throttled (burst)', cooldownUntil: NOW + 7_000 }, delayMs: 0 },
  },
  { name: 'the first 401 refreshes and retries', verdict: { kind: 'unauthorized' }, expected: { action: 'refresh-and-retry' } },
  {
    // The refresh just worked: the sign-in is alive, so no "new sign-in"; the backend's words are kept.
    name: 'a 401 after a successful refresh cools the account with what the backend said, without asking for a new sign-in',
    verdict: { kind: 'unauthorized', code: 'token_revoked', message: 'Your authentication token has been invalidated.' },
    context: { refreshedThisRequest: true },
    expected: {
      action: 'next-account',
      mark: {
        reason: 'the backend refused a freshly refreshed token (401 token_revoked: Your authentication token has been invalidated.)',
        cooldownUntil: NOW + REFUSED_AFTER_REFRESH_COOLDOWN_MS,
      },
      delayMs: 0,
    },
  },
  {
    name: "a workspace refused in this region is cooled with the backend's words, never refreshed, never sent to sign in",
    verdict: { kind: 'workspace-region', message: 'Workspace is not authorized in this region.' },
    expected: {
      action: 'next-account',
      mark: { reason: 'the backend said: Workspace is not authorized in this region.', cooldownUntil: NOW + WORKSPACE_REGION_COOLDOWN_MS },
      delayMs: 0,
    },
  },
  {
    name: 'a challenge cools briefly and moves on',
    verdict: { kind: 'challenge' },
    expected: { action: 'next-account', mark: { reason: 'Cloudflare challenge', cooldownUntil: NOW + CHALLENGE_COOLDOWN_MS }, delayMs: 0 },
  },
  {
    name: 'a JSON 403 cools for minutes and moves on, without asking for a sign-in',
    verdict: { kind: 'forbidden', message: 'nope' },
    expected: { action: 'next-account', mark: { reason: 'forbidden (403: nope)', cooldownUntil: NOW + FORBIDDEN_COOLDOWN_MS }, delayMs: 0 },
  },
  {
    name: 'a deactivated workspace is re-checked in 30 minutes',
    verdict: { kind: 'workspace-deactivated' },
    expected: { action: 'next-account', mark: { reason: 'workspace deactivated', workspaceDeactivatedUntil: NOW + WORKSPACE_DEACTIVATED_MS }, delayMs: 0 },
  },
  {
    name: 'an unsupported model is marked for that model only',
    verdict: { kind: 'model-unsupported', message: 'not supported' },
    expected: {
      action: 'next-account',
      mark: { reason: 'model gpt-5.4 not offered', unsupportedModel: { model: 'gpt-5.4', until: NOW + MODEL_UNSUPPORTED_MS } },
      delayMs: 0,
    },
  },
  {
    name: 'an unsupported model with no model named is passed through',
    verdict: { kind: 'model-unsupported', message: 'x' },
    context: { model: undefined },
    expected: { action: 'pass-through' },
  },
  { name: 'foreign reasoning is retried without it', verdict: { kind: 'foreign-reasoning' }, expected: { action: 'retry-without-reasoning' } },
  {
    name: 'foreign reasoning after stripping is passed through',
    verdict: { kind: 'foreign-reasoning' },
    context: { reasoningStripped: true },
    expected: { action: 'pass-through' },
  },
  {
    name: 'a server error moves on after a short backoff',
    verdict: { kind: 'server-error' },
    context: { attempt: 1 },
    expected: { action: 'next-account', delayMs: 250 },
  },
  {
    name: 'the backoff doubles with attempts',
    verdict: { kind: 'server-error' },
    context: { attempt: 3 },
    expected: { action: 'next-account', delayMs: 1_000 },
  },
  {
    name: 'a reply that timed out moves on at once with a short cooldown',
    verdict: { kind: 'bad-reply', reason: 'timed out' },
    expected: { action: 'next-account', mark: { reason: 'timed out', cooldownUntil: NOW + BAD_REPLY_COOLDOWN_MS }, delayMs: 0 },
  },
  {
    name: 'a server-asked wait is capped at 5 s',
    verdict: { kind: 'server-error', retryAfterMs: 60_000 },
    expected: { action: 'next-account', delayMs: 5_000 },
  },
];

describe('decideFailover', () => {
  it.each(ROWS)('$name', ({ verdict, context: fields, expected }) => {
    expect(decideFailover(verdict, context(fields))).toEqual(expected);
  });

  it('never marks an account for a server error', () => {
    const step = decideFailover({ kind: 'server-error' }, context());
    expect(step.action === 'next-account' && step.mark).toBeUndefined();
  });
});

describe('burst cooldowns', () => {
  it('grows with the streak of bursts in a row', () => {
    const lengths = [1, 2, 3, 4, 5].map((streak) => burstCooldownMs(undefined, streak));
    expect(lengths).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never exceeds the cap, however long the streak or the server-asked wait', () => {
    for (const streak of [1, 10, 30, 100]) expect(burstCooldownMs(undefined, streak)).toBeLessThanOrEqual(BURST_COOLDOWN_CAP_MS);
    expect(burstCooldownMs(6 * HOUR, 1)).toBe(BURST_COOLDOWN_CAP_MS);
    const step = decideFailover({ kind: 'burst-limit', retryAfterMs: 24 * HOUR }, context({ burstStreak: 1 }));
    expect(step.action === 'next-account' && step.mark?.cooldownUntil).toBe(NOW + BURST_COOLDOWN_CAP_MS);
  });

  it('is at least a second', () => {
    expect(burstCooldownMs(0, 1)).toBe(1_000);
  });
});
