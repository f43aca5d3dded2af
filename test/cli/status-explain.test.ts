import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorld, runCli, type CliWorld } from './harness.js';
import { seedAccounts } from './seed.js';

const HOUR = 3_600_000;
let world: CliWorld;

beforeEach(async () => {
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', plan: 'pro' },
      { accountId: 'acct-home', email: 'home@example.test', plan: 'plus' },
      { accountId: 'acct-spare', email: 'spare@example.test', plan: 'plus' },
    ],
  });
});
afterEach(async () => {
  await world.close();
});

describe('status --explain', () => {
  it('says where a new session would go and why: the quota most at risk of expiring unused, then each account', async () => {
    const now = Date.now();
    await seedAccounts(
      world,
      [
        { accountId: 'acct-work', alias: 'work' },
        { accountId: 'acct-home', alias: 'home' },
        { accountId: 'acct-spare', alias: 'spare' },
      ],
      (data) => {
        const [work, home, spare] = data.accounts;
        work!.usage.weekly = { usedPercent: 10, windowMinutes: 10_080, resetsAt: now + 150 * HOUR, observedAt: now, source: 'usage-endpoint' };
        // Half a Plus week left, resetting in 5 h: the quota most at risk.
        home!.usage.weekly = { usedPercent: 50, windowMinutes: 10_080, resetsAt: now + 5 * HOUR, observedAt: now, source: 'usage-endpoint' };
        spare!.usage.fiveHour = { usedPercent: 100, windowMinutes: 300, resetsAt: now + 2 * HOUR, observedAt: now, source: 'usage-endpoint' };
      },
    );
    const result = await runCli(world, ['status', '--explain']);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toContain('Routing (strategy pace):');
    expect(text).toContain('A new session now goes to home: its quota is the most at risk\n  of expiring unused.');
    expect(text).toMatch(/> home: 0\.10 units\/h, 50% headroom\n {6}0\.5 units left \(plus ×1\), weekly reset in (4h 59m|5h)\n/);
    expect(text).toMatch(/ {3}work: 0\.060 units\/h, 90% headroom\n {6}9\.0 units left \(pro ×10\), weekly reset in /);
    expect(text).toMatch(/- spare: out \(5h limit \(100% used\) until/);
    expect(text.indexOf('home:')).toBeLessThan(text.indexOf('work:'));
    for (const line of text.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it('refuses --explain together with --json', async () => {
    const result = await runCli(world, ['status', '--explain', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--explain prints text');
  });
});
