import { afterEach, describe, expect, it } from 'vitest';
import { UsageReplySchema } from '../../src/usage/usage-response.js';
import { DEFAULT_SIM_FAMILY, startSimulator, type Simulator } from './index.js';
import { getUsage, postResponses, responsesBody } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

const SPARK = 'gpt-5.3-codex-spark';
const spark = () => responsesBody({ model: SPARK });

describe('limit families (PROTOCOL.md §8)', () => {
  it('gives every account the Spark family by default', async () => {
    sim = await startSimulator({ freezeClock: true, accounts: [{ accountId: 'a' }] });
    expect(DEFAULT_SIM_FAMILY).toEqual({ id: 'codex_bengalfox', limitName: 'GPT-5.3-Codex-Spark', models: [SPARK] });
    expect(sim.familyUsage('a', 'codex_bengalfox').fiveHourUsedPercent).toBe(0);
  });

  it("puts the family's numbers in the unnamed x-codex headers on a turn of its model, and names it", async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'a', fiveHourUsedPercent: 10, families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 60, weeklyUsedPercent: 30 }] }],
    });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a', spark());
    await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get('x-codex-active-limit')).toBe('codex_bengalfox');
    // The unnamed slots: the family's numbers after this turn's charge, not the account's 10 %.
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('61');
    expect(res.headers.get('x-codex-primary-window-minutes')).toBe('300');
    expect(res.headers.get('x-codex-secondary-used-percent')).toBe('30.2');
    // The named family headers say the same, with the display name.
    expect(res.headers.get('x-codex-bengalfox-primary-used-percent')).toBe('61');
    expect(res.headers.get('x-codex-bengalfox-secondary-window-minutes')).toBe('10080');
    expect(res.headers.get('x-codex-bengalfox-limit-name')).toBe('GPT-5.3-Codex-Spark');
    // The turn spent the family's quota only.
    expect(sim.usage('a').fiveHourUsedPercent).toBe(10);
    expect(sim.familyUsage('a', 'codex_bengalfox').fiveHourUsedPercent).toBe(61);
  });

  it("reports the account's own numbers as `premium` on ordinary turns, the family by name beside them", async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'a', fiveHourUsedPercent: 10, families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 60 }] }],
    });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a');
    await res.text();
    expect(res.headers.get('x-codex-active-limit')).toBe('premium');
    expect(res.headers.get('x-codex-primary-used-percent')).toBe('11');
    expect(res.headers.get('x-codex-bengalfox-primary-used-percent')).toBe('60');
    expect(sim.familyUsage('a', 'codex_bengalfox').fiveHourUsedPercent).toBe(60);
  });

  it("answers a family's 429 naming the family while the account's other models keep working", async () => {
    sim = await startSimulator({ freezeClock: true, accounts: [{ accountId: 'a', families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 100 }] }] });
    const tokens = sim.issueTokens('a');
    const limited = await postResponses(sim, tokens, 'a', spark());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-codex-active-limit')).toBe('codex_bengalfox');
    expect(limited.headers.get('x-codex-primary-used-percent')).toBe('100');
    expect(await limited.json()).toMatchObject({
      error: { type: 'usage_limit_reached', resets_at: Math.ceil(sim.familyUsage('a', 'codex_bengalfox').fiveHourResetsAt / 1000) },
    });

    const other = await postResponses(sim, tokens, 'a');
    expect(other.status).toBe(200);
    expect(other.headers.get('x-codex-active-limit')).toBe('premium');
    await other.text();
  });

  it('still holds a family model to the account-wide limit, naming `premium`', async () => {
    sim = await startSimulator({ freezeClock: true, accounts: [{ accountId: 'a', fiveHourUsedPercent: 100 }] });
    const limited = await postResponses(sim, sim.issueTokens('a'), 'a', spark());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-codex-active-limit')).toBe('premium');
    expect(limited.headers.get('x-codex-primary-used-percent')).toBe('100');
  });

  it("holds a family model to the account's spend control (allowed:false below 100 %) too, naming `premium`", async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'a', fiveHourUsedPercent: 10, limitReachedType: 'workspace_member_usage_limit_reached' }],
    });
    const limited = await postResponses(sim, sim.issueTokens('a'), 'a', spark());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-codex-active-limit')).toBe('premium');
    expect(await limited.json()).toMatchObject({ error: { type: 'usage_limit_reached' } });
    expect(sim.familyUsage('a', 'codex_bengalfox').fiveHourUsedPercent).toBe(0);
  });

  it("gives a free plan's family the plan's single 30-day window, in the headers and the usage reply", async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'f', usageShape: 'free-monthly', families: [{ ...DEFAULT_SIM_FAMILY, monthlyUsedPercent: 100 }] }],
    });
    const tokens = sim.issueTokens('f');
    const limited = await postResponses(sim, tokens, 'f', spark());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-codex-active-limit')).toBe('codex_bengalfox');
    expect(limited.headers.get('x-codex-primary-window-minutes')).toBe('43200');
    expect(limited.headers.get('x-codex-bengalfox-primary-used-percent')).toBe('100');
    expect(limited.headers.has('x-codex-bengalfox-secondary-used-percent')).toBe(false);
    await limited.text();
    const reply = UsageReplySchema.parse(await (await getUsage(sim, 'codex', tokens, 'f')).json());
    expect(reply.rate_limit?.allowed).toBe(true);
    expect(reply.additional_rate_limits?.[0]?.rate_limit).toMatchObject({
      allowed: false,
      primary_window: { used_percent: 100, limit_window_seconds: 2_592_000 },
      secondary_window: null,
    });
  });

  it('lists the family in additional_rate_limits of the usage reply', async () => {
    sim = await startSimulator({
      freezeClock: true,
      accounts: [{ accountId: 'a', fiveHourUsedPercent: 5, families: [{ ...DEFAULT_SIM_FAMILY, fiveHourUsedPercent: 100, weeklyUsedPercent: 40 }] }],
    });
    const raw = (await (await getUsage(sim, 'codex', sim.issueTokens('a'), 'a')).json()) as Record<string, unknown>;
    const reply = UsageReplySchema.parse(raw);
    expect(reply.rate_limit?.allowed).toBe(true);
    expect(reply.rate_limit?.primary_window?.used_percent).toBe(5);
    expect(reply.additional_rate_limits).toHaveLength(1);
    const [family] = reply.additional_rate_limits!;
    expect(family).toMatchObject({
      limit_name: 'GPT-5.3-Codex-Spark',
      metered_feature: 'codex_bengalfox',
      rate_limit: {
        allowed: false,
        limit_reached: true,
        primary_window: { used_percent: 100, limit_window_seconds: 18_000 },
        secondary_window: { used_percent: 40, limit_window_seconds: 604_800 },
      },
    });
  });

  it('has no family and no family headers when the spec says none', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a', families: [] }] });
    const res = await postResponses(sim, sim.issueTokens('a'), 'a', spark());
    await res.text();
    expect(res.headers.get('x-codex-active-limit')).toBe('premium');
    expect([...res.headers.keys()].filter((name) => name.startsWith('x-codex-bengalfox'))).toEqual([]);
    expect(sim.usage('a').fiveHourUsedPercent).toBe(1);
  });
});
