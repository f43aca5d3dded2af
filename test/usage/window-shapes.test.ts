import { describe, expect, it } from 'vitest';
import { readWorkspaceRouting, readAccountRouting, workspaceRoutingHeaders } from '../../src/store/jwt-claims.js';
import { classifyUsageAnswer } from '../../src/usage/classify-usage-answer.js';
import { snapshotsFromHeaders } from '../../src/usage/rate-limit-headers.js';
import { limitFlagFromReply, snapshotsFromUsageReply } from '../../src/usage/snapshots-from-reply.js';
import { UsageReplySchema } from '../../src/usage/usage-response.js';
import { classifyWindowMinutes } from '../../src/usage/windows.js';
import { encodeUnsignedJwt } from '../sim/jwt.js';

const NOW = Date.UTC(2026, 2, 1, 12, 0);
const S = NOW / 1000;

describe('window kinds by length (PROTOCOL.md §8, "Window shapes seen in 2026")', () => {
  it.each([
    [300, 'fiveHour'],
    [1_440, 'fiveHour'],
    [10_080, 'weekly'],
    [20_160, 'weekly'],
    [43_200, 'monthly'],
    [0, undefined],
    [-5, undefined],
    [null, undefined],
    [Number.NaN, undefined],
  ] as const)('%s minutes → %s', (minutes, kind) => {
    expect(classifyWindowMinutes(minutes)).toBe(kind);
  });
});

const window = (used: number, seconds: number, resetAt: number | string) => ({
  used_percent: used,
  limit_window_seconds: seconds,
  reset_after_seconds: 0,
  reset_at: resetAt,
});
const reply = (rateLimit: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  UsageReplySchema.parse({ plan_type: 'plus', rate_limit: rateLimit, ...extra });

describe('usage replies in every 2026 shape', () => {
  it('5 h + weekly', () => {
    const observation = snapshotsFromUsageReply(
      reply({ allowed: true, limit_reached: false, primary_window: window(30, 18_000, S + 3600), secondary_window: window(10, 604_800, S + 86_400) }),
      NOW,
    );
    expect(observation).toMatchObject({ fiveHour: { usedPercent: 30 }, weekly: { usedPercent: 10 }, limit: { reached: false } });
  });

  it('weekly-only primary with secondary null', () => {
    const observation = snapshotsFromUsageReply(reply({ primary_window: window(55, 604_800, S + 86_400), secondary_window: null }), NOW);
    expect(observation.weekly).toMatchObject({ usedPercent: 55, windowMinutes: 10_080 });
    expect(observation.fiveHour).toBeUndefined();
  });

  it('weekly-only with a zero-length secondary and an empty reset_at: the empty one is absent, not "0 % used"', () => {
    const observation = snapshotsFromUsageReply(reply({ primary_window: window(55, 604_800, S + 86_400), secondary_window: window(0, 0, '') }), NOW);
    expect(observation.weekly).toMatchObject({ usedPercent: 55 });
    expect(observation.fiveHour).toBeUndefined();
    expect(observation.monthly).toBeUndefined();
  });

  it('the free plan: one 30-day window', () => {
    const observation = snapshotsFromUsageReply(
      reply({ primary_window: window(70, 2_592_000, S + 20 * 86_400), secondary_window: null }, { plan_type: 'free' }),
      NOW,
    );
    expect(observation.monthly).toMatchObject({ usedPercent: 70, windowMinutes: 43_200, resetsAt: NOW + 20 * 86_400_000 });
    expect(observation.weekly).toBeUndefined();
  });

  it('the same shapes in reply headers: a zero-minute window with an empty reset is no window', () => {
    const headers = new Headers({
      'x-codex-primary-used-percent': '55',
      'x-codex-primary-window-minutes': '10080',
      'x-codex-primary-reset-at': String(S + 86_400),
      'x-codex-secondary-used-percent': '0',
      'x-codex-secondary-window-minutes': '0',
      'x-codex-secondary-reset-at': '',
    });
    const observation = snapshotsFromHeaders(headers, NOW);
    expect(observation.weekly).toMatchObject({ usedPercent: 55 });
    expect(observation.fiveHour).toBeUndefined();
  });
});

describe('usage flags (PROTOCOL.md §8, "Usage flags")', () => {
  const windows = { primary_window: window(12, 18_000, S + 3600), secondary_window: window(30, 604_800, S + 86_400) };
  const pairOf = (rateLimit: Record<string, unknown>) => snapshotsFromUsageReply(reply(rateLimit), NOW);
  it.each([
    [
      'allowed:false below 100 % blocks, until the latest reset named',
      { allowed: false, limit_reached: false, ...windows },
      { reached: true, until: (S + 86_400) * 1000 },
    ],
    ['limit_reached:true blocks too', { allowed: true, limit_reached: true, ...windows }, { reached: true, until: (S + 86_400) * 1000 }],
    [
      'an exhausted window sets the end: the 5 h one',
      { allowed: false, limit_reached: true, primary_window: window(100, 18_000, S + 3600), secondary_window: window(30, 604_800, S + 86_400) },
      { reached: true, until: (S + 3600) * 1000 },
    ],
    ['allowed:true is recorded as not blocked', { allowed: true, limit_reached: false, ...windows }, { reached: false }],
  ])('%s', (_name, rateLimit, expected) => {
    expect(pairOf(rateLimit).limit).toEqual({ ...expected, observedAt: NOW });
  });

  it('carries rate_limit_reached_type as the reason, and is absent when the reply says nothing', () => {
    const blocked = reply({ allowed: false, ...windows }, { rate_limit_reached_type: { type: 'workspace_owner_credits_depleted' } });
    expect(snapshotsFromUsageReply(blocked, NOW).limit?.reason).toBe('workspace_owner_credits_depleted');
    expect(limitFlagFromReply(reply({ ...windows }), {}, NOW)).toBeUndefined();
  });
});

describe('workspace routing from token claims (PROTOCOL.md §8, "Residency and FedRAMP")', () => {
  const token = (auth: Record<string, unknown>) => encodeUnsignedJwt({ 'https://api.openai.com/auth': auth });
  it.each([
    ['compute residency', { chatgpt_compute_residency: 'us' }, { residency: 'us', fedramp: false }],
    ['data residency before compute', { chatgpt_compute_residency: 'us', chatgpt_data_residency: 'eu' }, { residency: 'eu', fedramp: false }],
    ['no_constraint sends nothing', { chatgpt_compute_residency: 'no_constraint' }, { fedramp: false }],
    ['FedRAMP', { chatgpt_account_is_fedramp: true }, { fedramp: true }],
    ['a value unfit for a header is ignored', { chatgpt_compute_residency: 'us\r\nx-evil: 1' }, { fedramp: false }],
    ['no claim at all', {}, { fedramp: false }],
  ])('%s', (_name, auth, expected) => {
    expect(readWorkspaceRouting(token(auth))).toEqual(expected);
  });

  it('makes the headers, none for an unconstrained workspace, and fills from the id token what the access token lacks', () => {
    expect(workspaceRoutingHeaders({ residency: 'us', fedramp: true })).toEqual({ 'x-openai-internal-codex-residency': 'us', 'x-openai-fedramp': 'true' });
    expect(workspaceRoutingHeaders({ fedramp: false })).toEqual({});
    expect(readAccountRouting({ accessToken: token({ chatgpt_compute_residency: 'us' }), idToken: token({ chatgpt_account_is_fedramp: true }) })).toEqual({
      residency: 'us',
      fedramp: true,
    });
    expect(readWorkspaceRouting('not-a-jwt')).toEqual({ fedramp: false });
  });

  it('tells a region refusal of the usage endpoint from a token refusal', () => {
    const region = classifyUsageAnswer({
      status: 401,
      body: JSON.stringify({ error: { message: 'Workspace is not authorized in this region.' }, status: 401 }),
    });
    expect(region).toEqual({ kind: 'workspace-region', detail: 'HTTP 401: Workspace is not authorized in this region.' });
    expect(classifyUsageAnswer({ status: 401, body: '{"error":{"code":"token_expired","message":"expired"}}' })).toEqual({
      kind: 'unauthorized',
      detail: 'HTTP 401 token_expired: expired',
    });
  });
});
