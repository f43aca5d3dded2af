import { afterEach, describe, expect, it } from 'vitest';
import { findAccount } from '../../src/store/mutations.js';
import { BackgroundUsageRefresher } from '../../src/usage/background-refresher.js';
import { pausingWindow } from '../../src/usage/refresh-selection.js';
import { simAccounts, usageFixture, type UsageFixture } from './fixture.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const config = { pauseAtPercent: 100, snapshotStaleAfter: 2 * HOUR, usageRefreshInterval: 5 * MIN };

let fixture: UsageFixture | undefined;
const refreshers: BackgroundUsageRefresher[] = [];
afterEach(async () => {
  await Promise.all(refreshers.splice(0).map((refresher) => refresher.stop()));
  await fixture?.close();
  fixture = undefined;
});

function refresher(f: UsageFixture): BackgroundUsageRefresher {
  const made = new BackgroundUsageRefresher({ queue: f.queue(), store: f.store, config, clock: f.sim.clock, logger: f.logger, spreadMs: 0 });
  refreshers.push(made);
  return made;
}

describe('BackgroundUsageRefresher against the simulator', () => {
  it('re-checks a paused account once its window has reset and returns it to rotation, with no traffic', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'spent', fiveHourUsedPercent: 100, weeklyUsedPercent: 40 }, { accountId: 'idle' }] });
    const background = refresher(fixture);
    await background.runRound();
    const id = fixture.ids.spent!;
    let account = findAccount(await fixture.store.current(), id)!;
    expect(pausingWindow(account, fixture.sim.clock.now(), config)).toBe('fiveHour');

    // Nothing changes while the paused snapshot is fresh and recent.
    fixture.sim.clock.advance(MIN);
    expect(await background.accountsToRefresh()).toEqual([]);

    // The 5 h window resets in the simulator; no request is made to the account.
    fixture.sim.clock.advance(5 * HOUR);
    expect(await background.accountsToRefresh()).toContain(id);
    expect(pausingWindow(account, fixture.sim.clock.now(), config)).toBeUndefined();
    const results = await background.runRound();
    expect(results?.find((result) => result.accountId === id)?.state).toBe('done');
    account = findAccount(await fixture.store.current(), id)!;
    expect(account.usage.fiveHour!.usedPercent).toBe(0);
    expect(account.usage.fiveHour!.observedAt).toBe(fixture.sim.clock.now());
    expect(pausingWindow(account, fixture.sim.clock.now(), config)).toBeUndefined();
    expect(fixture.sim.counters.requests('responses')).toBe(0);
  });

  it('re-checks a paused account whose snapshot went stale, and it returns to rotation', async () => {
    fixture = await usageFixture({ accounts: [{ accountId: 'weekly', primaryWindow: 'weekly', weeklyUsedPercent: 100 }] });
    const background = refresher(fixture);
    await background.runRound();
    const id = fixture.ids.weekly!;
    expect(pausingWindow(findAccount(await fixture.store.current(), id)!, fixture.sim.clock.now(), config)).toBe('weekly');
    // Usage was freed elsewhere (say, a plan change); the stored snapshot does not know.
    fixture.sim.setUsage('weekly', { weeklyUsedPercent: 30 });
    fixture.sim.clock.advance(2 * HOUR + MIN);
    await background.runRound();
    const account = findAccount(await fixture.store.current(), id)!;
    expect(account.usage.weekly!.usedPercent).toBe(30);
    expect(pausingWindow(account, fixture.sim.clock.now(), config)).toBeUndefined();
  });

  it('lets only the lease holder poll when several processes share a store', async () => {
    fixture = await usageFixture({ accounts: simAccounts(4) });
    const first = refresher(fixture);
    const second = refresher(fixture);
    expect(await first.runRound()).toHaveLength(4);
    expect(await second.runRound()).toBeUndefined();
    expect(fixture.sim.counters.requests('codex-usage')).toBe(4);
    await first.stop();
    fixture.sim.clock.advance(3 * HOUR);
    expect(await second.runRound()).toHaveLength(4);
    expect(fixture.sim.counters.requests('codex-usage')).toBe(8);
  });

  it('polls on its own once started, and stops', async () => {
    fixture = await usageFixture({ accounts: simAccounts(2) });
    const background = new BackgroundUsageRefresher({
      queue: fixture.queue(),
      store: fixture.store,
      config: { ...config, usageRefreshInterval: 30_000 },
      clock: fixture.sim.clock,
      spreadMs: 0,
      random: () => 0,
    });
    refreshers.push(background);
    background.start();
    await expect.poll(() => fixture!.sim.counters.requests('codex-usage'), { timeout: 10_000 }).toBe(2);
    await background.stop();
    const data = await fixture.store.current();
    expect(data.accounts.every((account) => account.usage.fiveHour !== undefined)).toBe(true);
  });
});
