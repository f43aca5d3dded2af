import { afterEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { findAccount } from '../../src/store/mutations.js';
import { exclusionsOf, isEligible } from '../../src/rotator/exclusion.js';
import { usageFixture, type UsageFixture } from './fixture.js';
import { WORKSPACE_REGION_MESSAGE } from '../sim/index.js';

/*
 * Usage refreshes against a simulator enforcing PROTOCOL.md §8: each test passes because the plugin
 * follows the rule the simulator enforces (residency headers, window shapes, usage flags, credits).
 */

let fixture: UsageFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

async function onDisk(f: UsageFixture) {
  const reader = new AccountStore({ dir: f.dir });
  try {
    return await reader.load();
  } finally {
    await reader.close();
  }
}

/** Reset times travel as unix seconds. */
const onWire = (ms: number) => Math.ceil(ms / 1000) * 1000;

const eligibility = (now: number, useCredits = false) => ({ now, pauseAtPercent: 100, snapshotStaleAfterMs: 2 * 3_600_000, useCredits });

describe('usage refresh against the real backend rules', () => {
  it.each([
    ['a residency-locked workspace', { computeResidency: 'us' }, 'x-openai-internal-codex-residency', 'us'],
    ['a data-residency workspace', { computeResidency: 'no_constraint', dataResidency: 'eu' }, 'x-openai-internal-codex-residency', 'eu'],
    ['a FedRAMP workspace', { fedramp: true }, 'x-openai-fedramp', 'true'],
  ] as const)('reads %s with its own routing header from its own token claims', async (_name, claims, header, value) => {
    fixture = await usageFixture({
      accounts: [
        { accountId: 'locked', ...claims },
        { accountId: 'plain', computeResidency: 'no_constraint' },
      ],
    });
    for (const id of ['locked', 'plain']) expect((await fixture.queue().refresh(fixture.ids[id]!)).state).toBe('done');
    const usageCalls = fixture.sim.log.filter((entry) => entry.route === 'codex-usage');
    expect(usageCalls.find((entry) => entry.accountId === 'locked')?.headers[header]).toBe(value);
    // Per account: the unconstrained one carries none.
    const plain = usageCalls.find((entry) => entry.accountId === 'plain')!.headers;
    expect(plain['x-openai-internal-codex-residency']).toBeUndefined();
    expect(plain['x-openai-fedramp']).toBeUndefined();
    const account = findAccount(await onDisk(fixture), fixture.ids.locked!)!;
    expect(account.health.reloginRequired).toBeUndefined();
    expect(account.usage.fiveHour).toBeDefined();
  });

  it('reports "Workspace is not authorized in this region." in the backend\'s words, spends no refresh token and never asks for a new sign-in', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }] });
    fixture.sim.addFault({ route: 'codex-usage', status: 401, body: JSON.stringify({ error: { message: WORKSPACE_REGION_MESSAGE }, status: 401 }) });
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result.state).toBe('failed');
    expect(result.reason).toContain(WORKSPACE_REGION_MESSAGE);
    expect(fixture.sim.counters.refreshes('a1')).toBe(0);
    expect(fixture.sim.counters.requests('responses')).toBe(0);
    const account = findAccount(await onDisk(fixture), fixture.ids.a1!)!;
    expect(account.health.reloginRequired).toBeUndefined();
    expect(account.health.lastError?.message).toContain(WORKSPACE_REGION_MESSAGE);
  });

  it("keeps a weekly-only plan's window as weekly, and a null secondary as no window", async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'w', usageShape: 'weekly-only', weeklyUsedPercent: 40 }] });
    await fixture.queue().refresh(fixture.ids.w!);
    const usage = findAccount(await onDisk(fixture), fixture.ids.w!)!.usage;
    expect(usage.weekly).toMatchObject({ usedPercent: 40, windowMinutes: 10_080 });
    expect(usage.fiveHour).toBeUndefined();
    expect(usage.monthly).toBeUndefined();
  });

  it('treats a zero-length secondary with an empty reset_at as absent, not as "0 % used"', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'z', usageShape: 'weekly-only-zero-secondary', weeklyUsedPercent: 100 }] });
    await fixture.queue().refresh(fixture.ids.z!);
    const account = findAccount(await onDisk(fixture), fixture.ids.z!)!;
    expect(account.usage.fiveHour).toBeUndefined();
    expect(account.usage.weekly).toMatchObject({ usedPercent: 100 });
    // The weekly window binds: the empty window does not make the account look fresh.
    expect(isEligible(account, eligibility(fixture.sim.clock.now()))).toBe(false);
  });

  it("keeps the free plan's 30-day window as such, and it binds the account until its reset", async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'free', usageShape: 'free-monthly', monthlyUsedPercent: 100 }] });
    await fixture.queue().refresh(fixture.ids.free!);
    const account = findAccount(await onDisk(fixture), fixture.ids.free!)!;
    expect(account.usage.monthly).toMatchObject({ usedPercent: 100, windowMinutes: 43_200 });
    expect(account.usage.weekly).toBeUndefined();
    const now = fixture.sim.clock.now();
    expect(exclusionsOf(account, eligibility(now))).toEqual([
      { kind: 'usage-limit', window: 'monthly', usedPercent: 100, resetsAt: onWire(fixture.sim.usage('free').monthlyResetsAt) },
      { kind: 'limit-reached', until: onWire(fixture.sim.usage('free').monthlyResetsAt) },
    ]);
  });

  it("leaves out an account the backend says cannot serve (allowed:false) at 12 % used, with the backend's reason", async () => {
    fixture = await usageFixture({
      accounts: [{ accountId: 'capped', fiveHourUsedPercent: 12, weeklyUsedPercent: 30, limitReachedType: 'workspace_member_usage_limit_reached' }],
    });
    await fixture.queue().refresh(fixture.ids.capped!);
    const account = findAccount(await onDisk(fixture), fixture.ids.capped!)!;
    expect(account.usage.fiveHour?.usedPercent).toBe(12);
    const now = fixture.sim.clock.now();
    expect(isEligible(account, eligibility(now))).toBe(false);
    expect(exclusionsOf(account, eligibility(now))).toEqual([
      { kind: 'limit-reached', reason: 'workspace_member_usage_limit_reached', until: onWire(fixture.sim.usage('capped').weeklyResetsAt) },
    ]);
  });

  it('shows credits, and lets an account with credits past its limit only when USE_CREDITS says so', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'c', fiveHourUsedPercent: 100, credits: { hasCredits: true, balance: '12.50' } }] });
    await fixture.queue().refresh(fixture.ids.c!);
    const account = findAccount(await onDisk(fixture), fixture.ids.c!)!;
    expect(account.usage.credits).toMatchObject({ hasCredits: true, unlimited: false, balance: '12.50' });
    const now = fixture.sim.clock.now();
    expect(isEligible(account, eligibility(now, false))).toBe(false);
    expect(isEligible(account, eligibility(now, true))).toBe(true);
    expect(exclusionsOf(account, eligibility(now, true))).toEqual([]);
  });
});
