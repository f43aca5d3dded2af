import { afterEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { findAccount, markReloginRequired } from '../../src/store/mutations.js';
import type { RefreshProgress } from '../../src/usage/refresh-queue.js';
import { simAccounts, usageFixture, type UsageFixture } from './fixture.js';

let fixture: UsageFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

/** What another process would read from the file: proves the results were written, not just held in memory. */
async function onDisk(f: UsageFixture) {
  const reader = new AccountStore({ dir: f.dir });
  return reader.load();
}

describe('UsageRefreshQueue against the simulator', () => {
  it('refreshes 22 accounts with never more than 5 usage calls in flight, and every snapshot lands', async () => {
    fixture = await usageFixture({ accounts: simAccounts(22, { fiveHourUsedPercent: 7, weeklyUsedPercent: 30 }), usageLatencyMs: 60 });
    const results = await fixture.queue().refreshAll();
    expect(results.map((result) => result.state)).toEqual(Array(22).fill('done'));
    expect(fixture.sim.counters.maxInFlight('codex-usage')).toBeLessThanOrEqual(5);
    expect(fixture.sim.counters.maxInFlight('codex-usage')).toBeGreaterThan(1);
    const data = await onDisk(fixture);
    expect(data.accounts).toHaveLength(22);
    for (const account of data.accounts) {
      expect(account.usage.fiveHour).toMatchObject({ usedPercent: 7, windowMinutes: 300, source: 'usage-endpoint' });
      expect(account.usage.weekly).toMatchObject({ usedPercent: 30, windowMinutes: 10_080 });
      expect(account.usage.credits).toMatchObject({ hasCredits: false, unlimited: false, balance: '0' });
    }
  });

  it('stores percent used as reported: a fresh account at 1% is 1, not 99', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'fresh', fiveHourUsedPercent: 1, weeklyUsedPercent: 0 }] });
    await fixture.queue().refresh(fixture.ids.fresh!);
    const account = findAccount(await onDisk(fixture), fixture.ids.fresh!)!;
    expect(account.usage.fiveHour?.usedPercent).toBe(1);
    expect(account.usage.weekly?.usedPercent).toBe(0);
  });

  it('stores a weekly window reported as primary as weekly', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'pro', primaryWindow: 'weekly', fiveHourUsedPercent: 3, weeklyUsedPercent: 64 }] });
    await fixture.queue().refresh(fixture.ids.pro!);
    const account = findAccount(await onDisk(fixture), fixture.ids.pro!)!;
    expect(account.usage.weekly).toMatchObject({ usedPercent: 64, windowMinutes: 10_080 });
    expect(account.usage.fiveHour).toMatchObject({ usedPercent: 3, windowMinutes: 300 });
  });

  it('falls back to /wham/usage when /codex/usage answers 403 for every token, marks no account invalid, and remembers the route', async () => {
    fixture = await usageFixture({ accounts: simAccounts(6) });
    fixture.sim.setUsageRoute('codex', '403-json');
    const queue = fixture.queue();
    const results = await queue.refreshAll();
    expect(results.every((result) => result.state === 'done' && result.source === 'usage-endpoint')).toBe(true);
    const data = await onDisk(fixture);
    expect(data.usageRoute[fixture.sim.baseUrl]).toBe('wham');
    for (const account of data.accounts) {
      expect(account.usage.fiveHour).toBeDefined();
      expect(account.health.reloginRequired).toBeUndefined();
    }
    const codexCallsBefore = fixture.sim.counters.requests('codex-usage');
    await queue.refreshAll();
    expect(fixture.sim.counters.requests('codex-usage')).toBe(codexCallsBefore);
    expect(fixture.sim.counters.requests('responses')).toBe(0);
  });

  it('uses /codex/usage when /wham/usage is the one refusing, even after wham was remembered', async () => {
    fixture = await usageFixture({ accounts: simAccounts(4) });
    await fixture.store.update((data) => {
      data.usageRoute[fixture!.sim.baseUrl] = 'wham';
    });
    fixture.sim.setUsageRoute('wham', '403-json');
    const results = await fixture.queue().refreshAll();
    expect(results.every((result) => result.state === 'done')).toBe(true);
    const data = await onDisk(fixture);
    expect(data.usageRoute[fixture.sim.baseUrl]).toBe('codex');
    expect(data.accounts.every((account) => account.usage.fiveHour && !account.health.reloginRequired)).toBe(true);
  });

  it('falls back on 404 too', async () => {
    fixture = await usageFixture({ accounts: simAccounts(1) });
    fixture.sim.setUsageRoute('codex', '404');
    const [result] = await fixture.queue().refreshAll();
    expect(result).toMatchObject({ state: 'done', source: 'usage-endpoint' });
    expect(fixture.sim.counters.requests('wham-usage')).toBe(1);
  });

  it('retries a Cloudflare challenge on the same route and then succeeds', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1', fiveHourUsedPercent: 12 }] });
    fixture.sim.addFault({ route: 'codex-usage', challenge: true, times: 2 });
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result).toMatchObject({ state: 'done', source: 'usage-endpoint' });
    expect(fixture.sim.counters.requests('codex-usage')).toBe(3);
    expect(fixture.sim.counters.requests('wham-usage')).toBe(0);
  });

  it('gives a challenged route 1 + 3 tries, then the other route', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }] });
    fixture.sim.setUsageRoute('codex', '403-challenge');
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result.state).toBe('done');
    expect(fixture.sim.counters.requests('codex-usage')).toBe(4);
    expect(fixture.sim.counters.requests('wham-usage')).toBe(1);
  });

  it('does not retry a JSON error: a JSON 403 on both routes leads to one probe, and the account stays valid', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1', fiveHourUsedPercent: 22, weeklyUsedPercent: 9 }] });
    fixture.sim.setUsageRoute('codex', '403-json');
    fixture.sim.setUsageRoute('wham', '403-json');
    const queue = fixture.queue();
    const result = await queue.refresh(fixture.ids.a1!);
    expect(result).toMatchObject({ state: 'done', source: 'probe' });
    expect(fixture.sim.counters.requests('codex-usage')).toBe(1);
    expect(fixture.sim.counters.requests('wham-usage')).toBe(1);
    expect(fixture.sim.counters.requests('responses')).toBe(1);
    const probeRequest = fixture.sim.log.find((entry) => entry.route === 'responses')!;
    expect(probeRequest.body).toMatchObject({ stream: true, store: false, model: 'gpt-5.4-mini' });
    expect(probeRequest.body).not.toHaveProperty('max_output_tokens');
    expect(probeRequest.headers.originator).toBe('codex_cli_rs');
    const account = findAccount(await onDisk(fixture), fixture.ids.a1!)!;
    // The probe itself costs a little (the sim charges each request), so 22 or a hair more.
    expect(account.usage.fiveHour).toMatchObject({ source: 'probe', windowMinutes: 300 });
    expect(account.usage.fiveHour!.usedPercent).toBeGreaterThanOrEqual(22);
    expect(account.usage.fiveHour!.usedPercent).toBeLessThan(30);
    expect(account.health.reloginRequired).toBeUndefined();
    expect(account.health.lastProbeAt).toBe(fixture.sim.clock.now());

    // A second failure within 30 minutes does not probe again.
    const second = await queue.refresh(fixture.ids.a1!);
    expect(second.state).toBe('failed');
    expect(second.reason).toMatch(/next probe is allowed at/);
    expect(fixture.sim.counters.requests('responses')).toBe(1);

    fixture.sim.clock.advance(31 * 60_000);
    expect((await queue.refresh(fixture.ids.a1!)).source).toBe('probe');
    expect(fixture.sim.counters.requests('responses')).toBe(2);
  });

  it('probes when the usage endpoint fails with a 500', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }] });
    fixture.sim.setUsageRoute('codex', '500');
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result).toMatchObject({ state: 'done', source: 'probe' });
    expect(fixture.sim.counters.requests('wham-usage')).toBe(0);
  });

  it('answers a 401 with one token refresh and one retry', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }] });
    fixture.sim.addFault({ route: 'codex-usage', status: 401, body: '{"error":{"code":"token_expired"}}', times: 1 });
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result).toMatchObject({ state: 'done', source: 'usage-endpoint' });
    expect(fixture.sim.counters.refreshes('a1')).toBe(1);
    expect(fixture.sim.counters.requests('codex-usage')).toBe(2);
    expect(findAccount(await onDisk(fixture), fixture.ids.a1!)!.health.reloginRequired).toBeUndefined();
  });

  it('reports a token refused right after a successful refresh in the backend\'s words, and never as "needs a new sign-in"', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }] });
    fixture.sim.addFault({
      route: 'codex-usage',
      status: 401,
      body: '{"error":{"code":"token_expired","message":"Provided authentication token is expired."}}',
      times: 2,
    });
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result.state).toBe('failed');
    expect(result.reason).toContain('the backend refused a freshly refreshed token');
    expect(result.reason).toContain('Provided authentication token is expired.');
    expect(fixture.sim.counters.refreshes('a1')).toBe(1);
    const account = findAccount(await onDisk(fixture), fixture.ids.a1!)!;
    expect(account.health.reloginRequired).toBeUndefined();
    expect(account.health.lastError?.message).toContain('Provided authentication token is expired.');
    expect(fixture.sim.counters.requests('responses')).toBe(0);
  });

  it('blocks a deactivated workspace for 30 minutes', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'gone', deactivated: true }] });
    const result = await fixture.queue().refresh(fixture.ids.gone!);
    expect(result.state).toBe('failed');
    expect(result.reason).toMatch(/deactivated/);
    const account = findAccount(await onDisk(fixture), fixture.ids.gone!)!;
    expect(account.health.workspaceDeactivatedUntil).toBe(fixture.sim.clock.now() + 30 * 60_000);
    expect(account.health.reloginRequired).toBeUndefined();
  });

  it('clears an invalid-auth flag left by an earlier 403 storm on the next successful refresh', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }, { accountId: 'a2' }] });
    const flaggedAt = fixture.sim.clock.now();
    await fixture.store.update((data) => {
      markReloginRequired(data, fixture!.ids.a1!, '403 from /wham/usage', flaggedAt);
    });
    fixture.sim.clock.advance(1_000);
    const result = await fixture.queue().refresh(fixture.ids.a1!);
    expect(result.state).toBe('done');
    const account = findAccount(await onDisk(fixture), fixture.ids.a1!)!;
    expect(account.health.reloginRequired).toBeUndefined();
    expect(account.usage.fiveHour).toBeDefined();
  });

  it('shares one refresh between callers asking for the same account', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }], usageLatencyMs: 100 });
    const queue = fixture.queue();
    const [first, second] = await Promise.all([queue.refresh(fixture.ids.a1!), queue.refresh(fixture.ids.a1!)]);
    expect(first).toEqual(second);
    expect(fixture.sim.counters.requests('codex-usage')).toBe(1);
  });

  it('reports progress per account: queued, running, done', async () => {
    fixture = await usageFixture({ accounts: simAccounts(2) });
    const queue = fixture.queue();
    const seen: RefreshProgress[] = [];
    const unsubscribe = queue.onProgress((progress) => seen.push(progress));
    await queue.refreshAll();
    unsubscribe();
    const id = fixture.ids['acct-001']!;
    expect(seen.filter((progress) => progress.accountId === id).map((progress) => progress.state)).toEqual(['queued', 'running', 'done']);
    expect(queue.progress().map((progress) => progress.state)).toEqual(['done', 'done']);
    await queue.refreshAll();
    expect(seen.length).toBe(6);
  });

  it('cancels a queued refresh before it reaches the backend', async () => {
    fixture = await usageFixture({ accounts: simAccounts(3), usageLatencyMs: 150 });
    const queue = fixture.queue({ config: { codexBaseUrl: fixture.sim.baseUrl, refreshQueueConcurrency: 1 } });
    const all = queue.refreshAll(Object.values(fixture.ids));
    const last = fixture.ids['acct-003']!;
    queue.cancel(last);
    const results = await all;
    expect(results.find((result) => result.accountId === last)?.state).toBe('cancelled');
    expect(fixture.sim.counters.requests('codex-usage', 'acct-003')).toBe(0);
    expect(results.filter((result) => result.state === 'done')).toHaveLength(2);
  });

  it('cancels a running refresh', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'a1' }], usageLatencyMs: 2_000 });
    const queue = fixture.queue();
    const isRunning = new Promise<void>((resolve) => {
      const stop = queue.onProgress((progress) => {
        if (progress.state === 'running') {
          stop();
          resolve();
        }
      });
    });
    const running = queue.refresh(fixture.ids.a1!);
    await isRunning;
    queue.cancel();
    const result = await running;
    expect(result).toMatchObject({ state: 'cancelled', reason: 'cancelled' });
    expect(result.startedAt).toBeDefined();
    expect(fixture.sim.counters.requests('responses')).toBe(0);
  });
});
