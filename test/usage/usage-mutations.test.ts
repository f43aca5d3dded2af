import { describe, expect, it } from 'vitest';
import type { StoreData } from '../../src/store/schema.js';
import { clearReloginFlagSeenWorking, recordObservation } from '../../src/usage/usage-mutations.js';
import { makeAccount, window } from './accounts.js';

const store = (...accounts: ReturnType<typeof makeAccount>[]): StoreData => ({ version: 1, accounts, sessions: {}, usageRoute: {} });

describe('recordObservation', () => {
  it('keeps the newer observation of each window, credits and additional family', () => {
    const data = store(
      makeAccount({
        usage: {
          fiveHour: window(50, 2_000),
          credits: { hasCredits: true, observedAt: 2_000 },
          additional: { other: { weekly: window(70, 2_000, { windowMinutes: 10_080 }) } },
        },
      }),
    );
    recordObservation(data, 'acct:user', {
      fiveHour: window(10, 1_000),
      weekly: window(5, 1_000, { windowMinutes: 10_080 }),
      credits: { hasCredits: false, observedAt: 1_000 },
      additional: { other: { weekly: window(1, 1_000, { windowMinutes: 10_080 }) }, fresh: { fiveHour: window(3, 1_000) } },
    });
    const usage = data.accounts[0]!.usage;
    expect(usage.fiveHour?.usedPercent).toBe(50);
    expect(usage.weekly?.usedPercent).toBe(5);
    expect(usage.credits?.hasCredits).toBe(true);
    expect(usage.additional?.other?.weekly?.usedPercent).toBe(70);
    expect(usage.additional?.fresh?.fiveHour?.usedPercent).toBe(3);

    recordObservation(data, 'acct:user', { fiveHour: window(12, 3_000), credits: { hasCredits: false, observedAt: 3_000 } });
    expect(usage.fiveHour?.usedPercent).toBe(12);
    expect(data.accounts[0]!.usage.credits?.hasCredits).toBe(false);
  });

  it('does nothing for an account that is gone', () => {
    const data = store();
    recordObservation(data, 'gone', { fiveHour: window(1, 1) });
    expect(data.accounts).toEqual([]);
  });
});

describe('clearReloginFlagSeenWorking', () => {
  it.each([
    ['clears a flag set before the token was seen working', 1_000, 2_000, false],
    ['keeps a flag set after', 3_000, 2_000, true],
  ])('%s', (_name, flaggedAt, seenAt, stillFlagged) => {
    const data = store(makeAccount({ health: { reloginRequired: { reason: '403 storm', at: flaggedAt } } }));
    clearReloginFlagSeenWorking(data, 'acct:user', seenAt);
    expect(data.accounts[0]!.health.reloginRequired !== undefined).toBe(stillFlagged);
  });
});
