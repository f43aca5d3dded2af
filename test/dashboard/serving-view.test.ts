import { describe, expect, it } from 'vitest';
import type { Strategy } from '../../src/config/config.js';
import { LIVE_SESSION_MS, SESSIONS_SHOWN, servingView } from '../../src/dashboard/serving-view.js';
import { AccountRotator } from '../../src/rotator/rotator.js';
import { describeNoEligibleAccount } from '../../src/rotator/explain.js';
import type { Account, StoreData } from '../../src/store/schema.js';
import { makeAccount, storeWith } from '../store/factories.js';

const NOW = Date.UTC(2026, 4, 3, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const settings = (strategy: Strategy = 'sticky') => ({ strategy, pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR });

/** An account with `used` percent of its 5-hour window used, observed a minute ago. */
function account(n: number, used: number, edit: (account: Account) => void = () => {}): Account {
  const made = makeAccount(n);
  made.usage.fiveHour = { usedPercent: used, resetsAt: NOW + 2 * HOUR, observedAt: NOW - MINUTE, source: 'usage-endpoint' };
  edit(made);
  return made;
}

function withSessions(data: StoreData, sessions: Record<string, [accountIndex: number, minutesAgo: number]>): StoreData {
  for (const [id, [index, minutesAgo]] of Object.entries(sessions)) data.sessions[id] = { accountId: data.accounts[index]!.id, at: NOW - minutesAgo * MINUTE };
  return data;
}

describe('servingView: a new session', () => {
  it.each<[string, () => StoreData, Strategy, string | null, string, RegExp]>([
    [
      'goes to the account with the most headroom, and the others are named',
      () => storeWith(account(1, 70), account(2, 20), account(3, 50)),
      'sticky',
      'alias-2',
      'most-headroom',
      /^most headroom: 80% left \(alias-1: 30% left, alias-3: 50% left\)$/,
    ],
    [
      'passes over an account that cannot serve, saying why',
      () =>
        storeWith(
          account(1, 100),
          account(2, 40, (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW })),
        ),
      'sticky',
      null,
      'none',
      /^No eligible account: alias-1 \(5h limit \(100% used\) until .*\), alias-2 \(needs a new sign-in: refresh_token_reused/,
    ],
    [
      'goes to the pinned account',
      () => Object.assign(storeWith(account(1, 10), account(2, 90)), { pin: { accountId: 'acct-2:user-2' } }),
      'sticky',
      'alias-2',
      'pinned',
      /^pinned: every request goes to alias-2$/,
    ],
    [
      'in round-robin, goes to the one after the account used last',
      () =>
        storeWith(
          account(1, 10),
          account(2, 10, (a) => (a.stats.lastUsedAt = NOW - MINUTE)),
          account(3, 90),
        ),
      'round-robin',
      'alias-3',
      'round-robin',
      /^round-robin: the next in turn after alias-2$/,
    ],
    ['with no account at all, says how to add one', () => storeWith(), 'sticky', null, 'none', /^No ChatGPT account is set up.*opencode-multi-auth login/],
  ])('%s', (_, build, strategy, alias, reason, why) => {
    const view = servingView(build(), settings(strategy), NOW);
    expect(view.strategy).toBe(strategy);
    expect(view.newSession.alias).toBe(alias);
    expect(view.newSession.reason).toBe(reason);
    expect(view.newSession.why).toMatch(why);
  });

  it('is the rotator’s own choice, for every strategy and mix of accounts', () => {
    const stores = [
      storeWith(
        account(1, 30),
        account(2, 30, (a) => (a.stats.lastUsedAt = NOW - HOUR)),
        account(3, 99),
      ),
      storeWith(
        account(1, 100),
        account(2, 60),
        account(3, 60, (a) => (a.usage.fiveHour!.resetsAt = NOW + HOUR)),
      ),
      storeWith(
        account(1, 5, (a) => (a.enabled = false)),
        account(2, 50, (a) => (a.health.cooldownUntil = NOW + MINUTE)),
        account(3, 80),
      ),
    ];
    for (const data of stores) {
      for (const strategy of ['sticky', 'round-robin', 'least-used'] as const) {
        const rotator = new AccountRotator(settings(strategy));
        const lastUsed = [...data.accounts].sort((a, b) => (b.stats.lastUsedAt ?? 0) - (a.stats.lastUsedAt ?? 0))[0]!;
        if (lastUsed.stats.lastUsedAt !== undefined) rotator.served(lastUsed.id, undefined);
        const choice = rotator.choose(data, { now: NOW, tried: new Set() });
        expect(servingView(data, settings(strategy), NOW).newSession.accountId).toBe(choice.ok ? choice.account.id : null);
      }
    }
  });

  it('says the same as the error the plugin would answer when none can serve', () => {
    const data = storeWith(account(1, 100), account(2, 100));
    const choice = new AccountRotator(settings()).choose(data, { now: NOW, tried: new Set() });
    expect(choice.ok).toBe(false);
    if (!choice.ok) expect(servingView(data, settings(), NOW).newSession.why).toBe(describeNoEligibleAccount(choice, NOW));
  });
});

describe('servingView: recent sessions', () => {
  it('keeps a session on its account while that account can serve, even with more headroom elsewhere', () => {
    const data = withSessions(storeWith(account(1, 70), account(2, 10)), { 'ses-a': [0, 3] });
    const [session] = servingView(data, settings(), NOW).sessions;
    expect(session).toMatchObject({ sessionId: 'ses-a', alias: 'alias-1', live: true, next: { alias: 'alias-1', reason: 'session', moves: false } });
    expect(session!.next.why).toBe('stays on alias-1, which can still serve (keeps its prompt cache)');
  });

  it('moves a session whose account cannot serve, naming both accounts and why', () => {
    const data = withSessions(storeWith(account(1, 100), account(2, 10)), { 'ses-a': [0, 3] });
    const [session] = servingView(data, settings(), NOW).sessions;
    expect(session).toMatchObject({ alias: 'alias-1', next: { alias: 'alias-2', reason: 'most-headroom', moves: true } });
    expect(session!.next.why).toMatch(/^alias-1 cannot serve \(5h limit \(100% used\) until .*\); moves to alias-2 \(most headroom: 90% left\)$/);
  });

  it('in least-used, moves a session whenever another account has more headroom', () => {
    const data = withSessions(storeWith(account(1, 70), account(2, 10)), { 'ses-a': [0, 3] });
    expect(servingView(data, settings('least-used'), NOW).sessions[0]!.next).toMatchObject({ alias: 'alias-2', moves: true });
  });

  it('says so when the session’s account was removed', () => {
    const data = storeWith(account(1, 10));
    data.sessions['ses-gone'] = { accountId: 'acct-9:user-9', at: NOW - MINUTE };
    const [session] = servingView(data, settings(), NOW).sessions;
    expect(session).toMatchObject({ alias: null, next: { alias: 'alias-1', moves: true } });
    expect(session!.next.why).toMatch(/^its account was removed; moves to alias-1/);
  });

  it('lists the most recent first, live ones marked, none older than a day, at most a few', () => {
    const sessions: Record<string, [number, number]> = { old: [0, 25 * 60], recent: [0, 60], live: [1, 1], edge: [1, LIVE_SESSION_MS / MINUTE + 1] };
    for (let i = 0; i < SESSIONS_SHOWN; i++) sessions[`many-${i}`] = [0, 120 + i];
    const view = servingView(withSessions(storeWith(account(1, 10), account(2, 10)), sessions), settings(), NOW);
    expect(view.sessions).toHaveLength(SESSIONS_SHOWN);
    expect(view.sessions.slice(0, 3).map((s) => [s.sessionId, s.live])).toEqual([
      ['live', true],
      ['edge', false],
      ['recent', false],
    ]);
    expect(view.sessions.map((s) => s.sessionId)).not.toContain('old');
  });
});
