import { describe, expect, it } from 'vitest';
import type { Account } from '../../src/store/schema.js';
import { pausingWindow, refreshReasons, selectAccountsToRefresh, type RefreshReason } from '../../src/usage/refresh-selection.js';
import { makeAccount as makeAnyAccount, window } from './accounts.js';

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const HOUR = 60 * MIN;
const config = { pauseAtPercent: 100, snapshotStaleAfter: 2 * HOUR, usageRefreshInterval: 5 * MIN };

/** An account whose model catalog was just read, so only its usage decides (see the catalog cases). */
function makeAccount(fields: Partial<Account> & { id?: string } = {}): Account {
  return makeAnyAccount({ catalog: { models: [], checkedAt: NOW - MIN }, ...fields });
}

describe('refreshReasons', () => {
  const cases: [string, Account, RefreshReason[]][] = [
    ['no snapshot yet', makeAccount(), ['missing']],
    ['fresh, low, idle: left alone', makeAccount({ usage: { fiveHour: window(20, NOW - 30 * MIN, { resetsAt: NOW + HOUR }) } }), []],
    ['observed over 2 h ago', makeAccount({ usage: { fiveHour: window(20, NOW - 3 * HOUR) } }), ['stale']],
    ['paused and its window has reset', makeAccount({ usage: { fiveHour: window(100, NOW - 20 * MIN, { resetsAt: NOW - MIN }) } }), ['stale', 'paused']],
    ['paused, re-checked once an interval passed', makeAccount({ usage: { weekly: window(100, NOW - 6 * MIN, { windowMinutes: 10_080 }) } }), ['paused']],
    ['paused but just observed', makeAccount({ usage: { weekly: window(100, NOW - MIN, { windowMinutes: 10_080 }) } }), []],
    ['near the threshold (>= pauseAt - 10)', makeAccount({ usage: { fiveHour: window(90, NOW - 10 * MIN) } }), ['near-threshold']],
    ['just below near', makeAccount({ usage: { fiveHour: window(89, NOW - 10 * MIN) } }), []],
    ['recently active', makeAccount({ usage: { fiveHour: window(10, NOW - 10 * MIN) }, stats: { requests: 3, lastUsedAt: NOW - 20 * MIN } }), ['active']],
    ['disabled', makeAccount({ enabled: false }), []],
    ['its model catalog never read', makeAnyAccount({ usage: { fiveHour: window(20, NOW - 30 * MIN, { resetsAt: NOW + HOUR }) } }), ['catalog']],
    [
      'its model catalog due a re-check',
      makeAccount({ usage: { fiveHour: window(20, NOW - 30 * MIN, { resetsAt: NOW + HOUR }) }, catalog: { models: [], checkedAt: NOW - 2 * HOUR } }),
      ['catalog'],
    ],
    ['workspace deactivated', makeAccount({ health: { workspaceDeactivatedUntil: NOW + MIN } }), []],
    ['flagged for re-login with a live access token', makeAccount({ health: { reloginRequired: { reason: '403', at: NOW - HOUR } } }), ['flagged']],
    [
      'flagged with an expired access token',
      makeAccount({
        health: { reloginRequired: { reason: 'refresh_token_reused', at: NOW - HOUR } },
        tokens: { accessToken: 'a', refreshToken: 'r', expiresAt: NOW - 1, obtainedAt: 0 },
      }),
      [],
    ],
  ];
  for (const [name, account, expected] of cases) {
    it(name, () => {
      expect(refreshReasons(account, NOW, config)).toEqual(expected);
    });
  }
});

describe('selectAccountsToRefresh', () => {
  it('lists the accounts that matter, paused ones first', () => {
    const data = {
      version: 1 as const,
      sessions: {},
      usageRoute: {},
      accounts: [
        makeAccount({ id: 'missing:u' }),
        makeAccount({ id: 'idle:u', usage: { fiveHour: window(5, NOW - MIN, { resetsAt: NOW + HOUR }) } }),
        makeAccount({ id: 'paused:u', usage: { fiveHour: window(100, NOW - 10 * MIN) } }),
      ],
    };
    expect(selectAccountsToRefresh(data, NOW, config)).toEqual(['paused:u', 'missing:u']);
  });
});

describe('pausingWindow', () => {
  it.each<[string, Account, string | undefined]>([
    ['fresh window at the threshold', makeAccount({ usage: { weekly: window(100, NOW - MIN, { windowMinutes: 10_080 }) } }), 'weekly'],
    ['stale window does not pause', makeAccount({ usage: { weekly: window(100, NOW - 3 * HOUR, { windowMinutes: 10_080 }) } }), undefined],
    ['reset window does not pause', makeAccount({ usage: { fiveHour: window(100, NOW - MIN, { resetsAt: NOW - 1 }) } }), undefined],
    ['1% used does not pause (percent USED, not remaining)', makeAccount({ usage: { fiveHour: window(1, NOW - MIN) } }), undefined],
  ])('%s', (_name, account, expected) => {
    expect(pausingWindow(account, NOW, config)).toBe(expected);
  });
});
