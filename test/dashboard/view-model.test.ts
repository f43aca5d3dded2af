import { describe, expect, it } from 'vitest';
import { dashboardView, lastErrorView, utcDay, windowView } from '../../src/dashboard/view-model.js';
import type { HistoryPoint } from '../../src/dashboard/usage-history.js';
import type { Account } from '../../src/store/schema.js';
import { makeAccount, storeWith } from '../store/factories.js';

const NOW = Date.UTC(2026, 4, 3, 12, 0, 0);
const eligibility = { pauseAtPercent: 100, snapshotStaleAfterMs: 2 * 3_600_000 };
const HOUR = 3_600_000;

function account(n: number, edit: (account: Account) => void = () => {}): Account {
  const made = makeAccount(n, {
    tokens: {
      accessToken: `secret-access-${n}`,
      refreshToken: `secret-refresh-${n}`,
      idToken: `secret-id-${n}`,
      expiresAt: NOW + HOUR,
      obtainedAt: NOW - HOUR,
    },
  });
  edit(made);
  return made;
}

describe('dashboardView', () => {
  it('never carries a token, whatever the account holds', () => {
    const data = storeWith(
      account(1),
      account(2, (a) => (a.health.lastError = { message: 'got Bearer eyJabc.def.ghi from the server', at: NOW })),
    );
    const text = JSON.stringify(dashboardView(data, { now: NOW, eligibility }));
    expect(text).not.toContain('secret-');
    expect(text).not.toMatch(/tokens|accessToken|refreshToken|idToken/);
    expect(text).not.toContain('eyJabc');
  });

  it('shows alias, email, plan, requests today and the last error', () => {
    const data = storeWith(
      account(1, (a) => {
        a.stats = { requests: 40, lastUsedAt: NOW - 60_000, daily: { [utcDay(NOW)]: 9, [utcDay(NOW - 24 * HOUR)]: 31 } };
        a.health.lastError = { message: 'stream reset', at: NOW - HOUR };
      }),
    );
    const [view] = dashboardView(data, { now: NOW, eligibility }).accounts;
    expect(view).toMatchObject({
      alias: 'alias-1',
      email: 'user-1@example.test',
      plan: 'plus',
      requestsToday: 9,
      requestsTotal: 40,
      lastUsedAt: NOW - 60_000,
      lastError: { message: 'stream reset', at: NOW - HOUR },
    });
  });

  it.each<[string, (account: Account) => void, string, string | undefined]>([
    ['an eligible account', () => {}, 'active', undefined],
    ['a disabled one', (a) => (a.enabled = false), 'disabled', 'disabled'],
    [
      'one needing a sign-in',
      (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW - HOUR }),
      'relogin-required',
      'needs a new sign-in: refresh_token_reused',
    ],
    ['one cooling down', (a) => Object.assign(a.health, { cooldownUntil: NOW + 60_000, cooldownReason: 'burst limit' }), 'cooling-down', 'burst limit until'],
    [
      'one out of its 5-hour window',
      (a) => (a.usage.fiveHour = { usedPercent: 100, resetsAt: NOW + HOUR, observedAt: NOW - 60_000, source: 'usage-endpoint' }),
      'limited',
      '5h limit (100% used) until',
    ],
    [
      'one whose full snapshot is stale',
      (a) => (a.usage.fiveHour = { usedPercent: 100, resetsAt: NOW + HOUR, observedAt: NOW - 3 * HOUR, source: 'usage-endpoint' }),
      'active',
      undefined,
    ],
    ['one with a deactivated workspace', (a) => (a.health.workspaceDeactivatedUntil = NOW + HOUR), 'workspace-deactivated', 'workspace deactivated'],
  ])('says the state of %s and why', (_, edit, kind, reason) => {
    const [view] = dashboardView(storeWith(account(1, edit)), { now: NOW, eligibility }).accounts;
    expect(view!.state.kind).toBe(kind);
    if (reason === undefined) expect(view!.state.reasons).toEqual([]);
    else expect(view!.state.reasons[0]).toContain(reason);
  });

  it('lists every reason, most fundamental first', () => {
    const [view] = dashboardView(
      storeWith(
        account(1, (a) => {
          a.enabled = false;
          a.health.reloginRequired = { reason: 'refresh_token_expired', at: NOW };
        }),
      ),
      { now: NOW, eligibility },
    ).accounts;
    expect(view!.state.reasons).toHaveLength(2);
    expect(view!.state.reasons[0]).toContain('disabled');
  });

  it('shows the pin only while it lasts, and marks the pinned account', () => {
    const data = storeWith(account(1), account(2));
    data.pin = { accountId: data.accounts[1]!.id, until: NOW + HOUR };
    const view = dashboardView(data, { now: NOW, eligibility });
    expect(view.pin).toEqual({ accountId: data.accounts[1]!.id, alias: 'alias-2', until: NOW + HOUR });
    expect(view.accounts.map((a) => a.pinned)).toEqual([false, true]);
    const later = dashboardView(data, { now: NOW + 2 * HOUR, eligibility });
    expect(later.pin).toBeNull();
    expect(later.accounts.map((a) => a.pinned)).toEqual([false, false]);
  });

  it('takes each account’s refresh progress from the queue', () => {
    const data = storeWith(account(1), account(2));
    const view = dashboardView(data, {
      now: NOW,
      eligibility,
      progress: [{ accountId: data.accounts[0]!.id, state: 'failed', reason: 'usage endpoint answered 500' }],
    });
    expect(view.accounts.map((a) => a.refresh)).toEqual([{ state: 'failed', reason: 'usage endpoint answered 500' }, null]);
  });

  it('stops showing a finished refresh after a minute', () => {
    const data = storeWith(account(1));
    const progress = [{ accountId: data.accounts[0]!.id, state: 'done' as const, finishedAt: NOW - 30_000 }];
    expect(dashboardView(data, { now: NOW, eligibility, progress }).accounts[0]!.refresh).toEqual({ state: 'done', reason: null });
    expect(dashboardView(data, { now: NOW + 60_000, eligibility, progress }).accounts[0]!.refresh).toBeNull();
  });

  it('builds the timeline from the history of the last day plus the current snapshot', () => {
    const data = storeWith(
      account(1, (a) => (a.usage.fiveHour = { usedPercent: 60, observedAt: NOW - 60_000, source: 'response-headers' })),
      account(2),
    );
    const id = data.accounts[0]!.id;
    const history: HistoryPoint[] = [
      { accountId: id, window: 'fiveHour', usedPercent: 10, at: NOW - 30 * HOUR, source: 'usage-endpoint' },
      { accountId: id, window: 'fiveHour', usedPercent: 30, at: NOW - 3 * HOUR, source: 'usage-endpoint' },
      { accountId: id, window: 'weekly', usedPercent: 5, at: NOW - 2 * HOUR, source: 'usage-endpoint' },
      { accountId: data.accounts[1]!.id, window: 'fiveHour', usedPercent: 90, at: NOW - HOUR, source: 'probe' },
    ];
    const view = dashboardView(data, { now: NOW, eligibility, history });
    expect(view.timeline).toEqual({ from: NOW - 24 * HOUR, to: NOW });
    expect(view.accounts[0]!.timeline).toEqual({
      fiveHour: [
        [NOW - 3 * HOUR, 30],
        [NOW - 60_000, 60],
      ],
      weekly: [[NOW - 2 * HOUR, 5]],
      monthly: [],
    });
    expect(view.accounts[1]!.timeline.fiveHour).toEqual([[NOW - HOUR, 90]]);
  });
});

describe('lastErrorView', () => {
  const ERROR_AT = NOW - HOUR;
  it.each<[string, (account: Account) => void, { what: 'request' | 'usage-refresh'; at: number } | null]>([
    ['stands with nothing after it', () => {}, null],
    ['stands when the last request was before it', (a) => (a.stats.lastUsedAt = ERROR_AT - 1), null],
    ['is resolved by a request served after it', (a) => (a.stats.lastUsedAt = NOW - 60_000), { what: 'request', at: NOW - 60_000 }],
    [
      'is resolved by a usage refresh that answered after it',
      (a) => (a.usage.weekly = { usedPercent: 10, observedAt: NOW - 120_000, source: 'usage-endpoint' }),
      { what: 'usage-refresh', at: NOW - 120_000 },
    ],
    [
      'is not resolved by reply headers (a failed reply carries them too)',
      (a) => (a.usage.fiveHour = { usedPercent: 10, observedAt: NOW - 60_000, source: 'response-headers' }),
      null,
    ],
    [
      'names the latest success when both came after it',
      (a) => {
        a.stats.lastUsedAt = NOW - 5 * 60_000;
        a.usage.fiveHour = { usedPercent: 10, observedAt: NOW - 60_000, source: 'usage-endpoint' };
      },
      { what: 'usage-refresh', at: NOW - 60_000 },
    ],
  ])('an error %s', (_, edit, resolvedBy) => {
    const made = account(1, (a) => {
      a.health.lastError = { message: 'stream reset', at: ERROR_AT };
      edit(a);
    });
    expect(lastErrorView(made)).toEqual({ message: 'stream reset', at: ERROR_AT, resolvedBy });
  });

  it('is null without an error', () => expect(lastErrorView(account(1))).toBeNull());
});

describe('dashboardView: who serves now', () => {
  it('carries the rotator’s answer for a new session and the recent sessions', () => {
    const data = storeWith(
      account(1),
      account(2, (a) => (a.usage.fiveHour = { usedPercent: 100, resetsAt: NOW + HOUR, observedAt: NOW - 60_000, source: 'usage-endpoint' })),
    );
    data.sessions['ses-1'] = { accountId: data.accounts[1]!.id, at: NOW - 60_000 };
    const view = dashboardView(data, { now: NOW, eligibility, strategy: 'sticky' });
    expect(view.serving.newSession).toMatchObject({ alias: 'alias-1', reason: 'most-headroom' });
    expect(view.serving.sessions).toMatchObject([{ sessionId: 'ses-1', alias: 'alias-2', live: true, next: { alias: 'alias-1', moves: true } }]);
    expect(view.accounts.map((a) => a.needsSignIn)).toEqual([false, false]);
  });
});

describe('windowView', () => {
  it('keeps percent USED, clamped to the bar, with where and when it was seen', () => {
    expect(windowView({ usedPercent: 130, resetsAt: NOW + HOUR, observedAt: NOW, source: 'probe' }, NOW, HOUR)).toEqual({
      usedPercent: 100,
      resetsAt: NOW + HOUR,
      observedAt: NOW,
      source: 'probe',
      sourceLabel: 'probe',
      stale: false,
    });
    expect(windowView({ usedPercent: 2, source: 'response-headers' }, NOW, HOUR)).toMatchObject({
      usedPercent: 2,
      resetsAt: null,
      observedAt: null,
      sourceLabel: 'reply headers',
    });
    expect(windowView({ usedPercent: 50, resetsAt: NOW - 1, observedAt: NOW - 60_000, source: 'usage-endpoint' }, NOW, HOUR)!.stale).toBe(true);
    expect(windowView(undefined, NOW, HOUR)).toBeNull();
  });
});
