import { describe, expect, it } from 'vitest';
import { snapshotsFromUsageReply } from '../../src/usage/snapshots-from-reply.js';
import { UsageReplySchema } from '../../src/usage/usage-response.js';

const NOW = 1_800_000_000_000;
const parse = (json: unknown) => snapshotsFromUsageReply(UsageReplySchema.parse(json), NOW);
const window = (used: number, seconds: number, extra: Record<string, unknown> = {}) => ({
  used_percent: used,
  limit_window_seconds: seconds,
  ...extra,
});

describe('snapshotsFromUsageReply', () => {
  const cases: { name: string; reply: unknown; expected: unknown }[] = [
    {
      name: 'pins percent USED: used_percent 1 is stored as 1, not 99',
      reply: { rate_limit: { primary_window: window(1, 18_000) } },
      expected: { fiveHour: { usedPercent: 1, windowMinutes: 300, observedAt: NOW, source: 'usage-endpoint' } },
    },
    {
      name: 'stores a weekly window reported as primary as weekly, and the 5 h secondary as fiveHour',
      reply: {
        plan_type: 'pro',
        rate_limit: {
          primary_window: window(60, 604_800, { reset_at: 1_800_100_000 }),
          secondary_window: window(5, 18_000, { reset_after_seconds: 120 }),
        },
      },
      expected: {
        planType: 'pro',
        weekly: { usedPercent: 60, windowMinutes: 10_080, resetsAt: 1_800_100_000_000, observedAt: NOW, source: 'usage-endpoint' },
        fiveHour: { usedPercent: 5, windowMinutes: 300, resetsAt: NOW + 120_000, observedAt: NOW, source: 'usage-endpoint' },
      },
    },
    {
      name: 'prefers reset_at over reset_after_seconds',
      reply: { rate_limit: { primary_window: window(10, 18_000, { reset_at: 1_800_000_500, reset_after_seconds: 9_999 }) } },
      expected: { fiveHour: { usedPercent: 10, windowMinutes: 300, resetsAt: 1_800_000_500_000, observedAt: NOW, source: 'usage-endpoint' } },
    },
    {
      name: 'skips a window with no length instead of guessing from position',
      reply: { rate_limit: { primary_window: { used_percent: 50 }, secondary_window: null } },
      expected: {},
    },
    {
      name: 'tolerates nulls and wrong types everywhere',
      reply: {
        plan_type: null,
        rate_limit: { primary_window: { used_percent: 'x', limit_window_seconds: 18_000 } },
        credits: null,
        additional_rate_limits: 'nope',
      },
      expected: {},
    },
    {
      name: 'keeps credits, with a numeric balance as text',
      reply: { credits: { has_credits: true, unlimited: false, balance: 3.5 } },
      expected: { credits: { hasCredits: true, unlimited: false, balance: '3.5', observedAt: NOW } },
    },
    {
      name: 'keeps limit families by metered_feature (the limit id) with limit_name as display name, falling back to the name',
      reply: {
        additional_rate_limits: [
          { limit_name: 'GPT-5.3-Codex-Spark', metered_feature: 'codex_bengalfox', rate_limit: { primary_window: window(100, 18_000) } },
          { limit_name: 'codex-other', rate_limit: { primary_window: window(20, 604_800) } },
          { metered_feature: 'images', rate_limit: { secondary_window: window(70, 18_000) } },
          { rate_limit: { primary_window: window(1, 18_000) } },
        ],
      },
      expected: {
        completeFamilies: true,
        additional: {
          codex_bengalfox: {
            fiveHour: { usedPercent: 100, windowMinutes: 300, observedAt: NOW, source: 'usage-endpoint' },
            limitName: 'GPT-5.3-Codex-Spark',
          },
          codex_other: { weekly: { usedPercent: 20, windowMinutes: 10_080, observedAt: NOW, source: 'usage-endpoint' }, limitName: 'codex-other' },
          images: { fiveHour: { usedPercent: 70, windowMinutes: 300, observedAt: NOW, source: 'usage-endpoint' } },
        },
      },
    },
    {
      name: "a free plan: the account's and a family's 30-day windows, and the account's allowed:false stays the account's",
      reply: {
        rate_limit: { allowed: false, limit_reached: false, primary_window: window(30, 2_592_000, { reset_at: 1_800_100_000 }) },
        additional_rate_limits: [
          { limit_name: 'GPT-5.3-Codex-Spark', metered_feature: 'codex_bengalfox', rate_limit: { allowed: true, primary_window: window(5, 2_592_000) } },
        ],
      },
      expected: {
        monthly: { usedPercent: 30, windowMinutes: 43_200, resetsAt: 1_800_100_000_000, observedAt: NOW, source: 'usage-endpoint' },
        limit: { reached: true, until: 1_800_100_000_000, observedAt: NOW },
        completeFamilies: true,
        additional: {
          codex_bengalfox: { monthly: { usedPercent: 5, windowMinutes: 43_200, observedAt: NOW, source: 'usage-endpoint' }, limitName: 'GPT-5.3-Codex-Spark' },
        },
      },
    },
  ];

  for (const { name, reply, expected } of cases) {
    it(name, () => {
      expect(parse(reply)).toEqual(expected);
    });
  }
});
