import { describe, expect, it } from 'vitest';
import { chooseAccount, type Choice, type ChoiceRequest, type ChoiceSettings, type RotationMemory } from '../../src/rotator/choose-account.js';
import { AccountRotator } from '../../src/rotator/rotator.js';
import type { Strategy } from '../../src/config/config.js';
import type { StoreData } from '../../src/store/schema.js';
import { HOUR, MINUTE, NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

function settings(strategy: Strategy = 'sticky', fields: Partial<ChoiceSettings> = {}): ChoiceSettings {
  return { strategy, pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR, ...fields };
}

function request(fields: Partial<ChoiceRequest> = {}): ChoiceRequest {
  return { now: NOW, model: 'gpt-5.4', tried: new Set(), ...fields };
}

function chosenAlias(choice: Choice): string | undefined {
  return choice.ok ? choice.account.alias : undefined;
}

function choose(data: StoreData, fields: Partial<ChoiceRequest> = {}, memory: RotationMemory = {}, strategy: Strategy = 'sticky'): Choice {
  return chooseAccount(data, request(fields), memory, settings(strategy));
}

const paused = snapshot(100);

describe('chooseAccount: most headroom', () => {
  it('chooses a fresh account at 1% used over one at 50% (used means used)', () => {
    const data = storeOf([routingAccount('half', (a) => (a.usage.fiveHour = snapshot(50))), routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1)))]);
    const choice = choose(data);
    expect(chosenAlias(choice)).toBe('fresh');
    expect(choice.ok && choice.reason).toBe('most-headroom');
  });

  it('breaks a headroom tie by the soonest reset', () => {
    const data = storeOf([
      routingAccount('late', (a) => (a.usage.fiveHour = snapshot(30, { resetsAt: NOW + 4 * HOUR }))),
      routingAccount('soon', (a) => (a.usage.fiveHour = snapshot(30, { resetsAt: NOW + HOUR }))),
    ]);
    expect(chosenAlias(choose(data))).toBe('soon');
  });

  it('breaks a full tie by the account used longest ago', () => {
    const data = storeOf([
      routingAccount('recent', (a) => (a.stats.lastUsedAt = NOW - MINUTE)),
      routingAccount('idle', (a) => (a.stats.lastUsedAt = NOW - HOUR)),
      routingAccount('busy', (a) => (a.stats.lastUsedAt = NOW - 1)),
    ]);
    expect(chosenAlias(choose(data))).toBe('idle');
  });

  it('treats a stale 100% snapshot as unknown, not as exhausted', () => {
    const data = storeOf([
      routingAccount('some', (a) => (a.usage.fiveHour = snapshot(40))),
      routingAccount('healed', (a) => (a.usage.fiveHour = snapshot(100, { observedAt: NOW - 3 * HOUR, resetsAt: NOW + HOUR }))),
    ]);
    expect(chosenAlias(choose(data))).toBe('healed');
  });

  it('skips accounts already tried for this request', () => {
    const fresh = routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1)));
    const data = storeOf([fresh, routingAccount('half', (a) => (a.usage.fiveHour = snapshot(50)))]);
    expect(chosenAlias(choose(data, { tried: new Set([fresh.id]) }))).toBe('half');
  });

  it('gives no choice when every account was already tried', () => {
    const accounts = [routingAccount('a'), routingAccount('b')];
    const choice = choose(storeOf(accounts), { tried: new Set(accounts.map((account) => account.id)) });
    expect(choice.ok).toBe(false);
    expect(!choice.ok && choice.verdicts.map((verdict) => verdict.exclusions.map((exclusion) => exclusion.kind))).toEqual([
      ['already-tried'],
      ['already-tried'],
    ]);
  });
});

describe('chooseAccount: sticky', () => {
  it('keeps a session on its account while it is eligible, even with less headroom', () => {
    const data = storeOf([routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1))), routingAccount('used', (a) => (a.usage.fiveHour = snapshot(80)))]);
    const choice = choose(data, { sessionId: 'ses_1' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('used');
    expect(choice.ok && choice.reason).toBe('session');
  });

  it('moves a session off its account once that account is paused', () => {
    const data = storeOf([routingAccount('other'), routingAccount('home', (a) => (a.usage.fiveHour = paused))]);
    const choice = choose(data, { sessionId: 'ses_1' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('other');
    expect(choice.ok && choice.reason).toBe('most-headroom');
  });

  it('moves a session off its account once it failed for this request', () => {
    const data = storeOf([routingAccount('other'), routingAccount('home')]);
    const home = data.accounts[1]!;
    expect(chosenAlias(choose(data, { sessionId: 's', tried: new Set([home.id]) }, { sessionAccountId: home.id }))).toBe('other');
  });

  it('sends a new session to the account with most headroom', () => {
    const data = storeOf([
      routingAccount('a', (a) => (a.usage.fiveHour = snapshot(60))),
      routingAccount('b', (a) => (a.usage.fiveHour = snapshot(10))),
      routingAccount('c', (a) => (a.usage.fiveHour = snapshot(30))),
    ]);
    expect(chosenAlias(choose(data, { sessionId: 'ses_new' }))).toBe('b');
  });

  it('falls back to most headroom when the remembered account was removed', () => {
    const data = storeOf([routingAccount('a', (a) => (a.usage.fiveHour = snapshot(60))), routingAccount('b')]);
    expect(chosenAlias(choose(data, { sessionId: 's' }, { sessionAccountId: 'gone:user' }))).toBe('b');
  });
});

const weeklyWindow = (usedPercent: number, resetsInHours: number) => snapshot(usedPercent, { windowMinutes: 10_080, resetsAt: NOW + resetsInHours * HOUR });

describe('chooseAccount: pace', () => {
  const choosePace = (data: StoreData, fields: Partial<ChoiceRequest> = {}, memory: RotationMemory = {}) => choose(data, fields, memory, 'pace');

  it('sends a new session where quota expires soonest unused, not where most percent is left', () => {
    const data = storeOf([
      routingAccount('roomy', (a) => (a.usage.weekly = weeklyWindow(10, 100))),
      routingAccount('expiring', (a) => (a.usage.weekly = weeklyWindow(50, 5))),
    ]);
    const choice = choosePace(data, { sessionId: 'ses_new' });
    expect(chosenAlias(choice)).toBe('expiring');
    expect(choice.ok && choice.reason).toBe('most-at-risk');
    // Today's sticky ranking would have chosen the other.
    expect(chosenAlias(choose(data, { sessionId: 'ses_new' }, {}, 'sticky'))).toBe('roomy');
  });

  it('weighs units by plan: a Pro window at 80 % holds more than a fresh Plus one', () => {
    const data = storeOf([
      routingAccount('plus', (a) => ((a.plan = 'plus'), (a.usage.weekly = weeklyWindow(0, 48)))),
      routingAccount('pro', (a) => ((a.plan = 'pro'), (a.usage.weekly = weeklyWindow(80, 48)))),
    ]);
    expect(chosenAlias(choosePace(data))).toBe('pro');
  });

  it('keeps a session on its account while it is eligible, even when another is more at risk', () => {
    const data = storeOf([
      routingAccount('expiring', (a) => (a.usage.weekly = weeklyWindow(50, 2))),
      routingAccount('home', (a) => (a.usage.weekly = weeklyWindow(10, 150))),
    ]);
    const choice = choosePace(data, { sessionId: 's' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('home');
    expect(choice.ok && choice.reason).toBe('session');
  });

  it('moves a session whose account is paused to the account most at risk', () => {
    const data = storeOf([
      routingAccount('roomy', (a) => (a.usage.weekly = weeklyWindow(0, 150))),
      routingAccount('expiring', (a) => (a.usage.weekly = weeklyWindow(40, 10))),
      routingAccount('home', (a) => (a.usage.fiveHour = paused)),
    ]);
    expect(chosenAlias(choosePace(data, { sessionId: 's' }, { sessionAccountId: data.accounts[2]!.id }))).toBe('expiring');
  });

  it('moves a session one turn early when its last reply left its account at the edge of a limit', () => {
    const data = storeOf([
      routingAccount('other', (a) => (a.usage.weekly = weeklyWindow(0, 150))),
      routingAccount('home', (a) => ((a.usage.fiveHour = snapshot(99)), (a.usage.weekly = weeklyWindow(10, 5)))),
    ]);
    const choice = choosePace(data, { sessionId: 's' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('other');
    expect(choice.ok && choice.reason).toBe('limit-edge');
  });

  it('keeps a session at the edge of a limit when no other account can serve', () => {
    const data = storeOf([
      routingAccount('out', (a) => (a.usage.weekly = weeklyWindow(100, 20))),
      routingAccount('home', (a) => (a.usage.fiveHour = snapshot(99))),
    ]);
    const choice = choosePace(data, { sessionId: 's' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('home');
    expect(choice.ok && choice.reason).toBe('session');
  });

  it('does not move a session from one account at the edge of a limit to another', () => {
    const data = storeOf([
      routingAccount('also-edge', (a) => ((a.usage.fiveHour = snapshot(99)), (a.usage.weekly = weeklyWindow(0, 2)))),
      routingAccount('home', (a) => ((a.usage.fiveHour = snapshot(98)), (a.usage.weekly = weeklyWindow(50, 100)))),
    ]);
    const choice = choosePace(data, { sessionId: 's' }, { sessionAccountId: data.accounts[1]!.id });
    expect(chosenAlias(choice)).toBe('home');
    expect(choice.ok && choice.reason).toBe('session');
  });

  it('sends a new session to an account at the edge of a limit only when nothing else can serve', () => {
    const edge = routingAccount('edge', (a) => ((a.usage.weekly = weeklyWindow(99, 1)), (a.plan = 'plus')));
    const data = storeOf([edge, routingAccount('calm', (a) => (a.usage.weekly = weeklyWindow(90, 160)))]);
    expect(chosenAlias(choosePace(data))).toBe('calm');
    expect(chosenAlias(choosePace(data, { tried: new Set([data.accounts[1]!.id]) }))).toBe('edge');
  });

  it('ranks an account whose weekly reset is unknown as a full week away, and such accounts by headroom', () => {
    const known = storeOf([
      routingAccount('unknown', (a) => (a.usage.fiveHour = snapshot(0))),
      routingAccount('expiring', (a) => (a.usage.weekly = weeklyWindow(50, 24))),
    ]);
    expect(chosenAlias(choosePace(known))).toBe('expiring');
    const unknown = storeOf([
      routingAccount('half', (a) => (a.usage.fiveHour = snapshot(50))),
      routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(5))),
    ]);
    const choice = choosePace(unknown);
    expect(chosenAlias(choice)).toBe(chosenAlias(choose(unknown, {}, {}, 'sticky')));
    expect(chosenAlias(choice)).toBe('fresh');
  });

  it("breaks a pace tie by today's ranking (most headroom)", () => {
    const data = storeOf([
      routingAccount('busy', (a) => ((a.usage.weekly = weeklyWindow(20, 80)), (a.usage.fiveHour = snapshot(60)))),
      routingAccount('quiet', (a) => ((a.usage.weekly = weeklyWindow(20, 80)), (a.usage.fiveHour = snapshot(10)))),
    ]);
    expect(chosenAlias(choosePace(data))).toBe('quiet');
  });

  it('still obeys a pin over pace', () => {
    const data = storeOf(
      [routingAccount('expiring', (a) => (a.usage.weekly = weeklyWindow(50, 2))), routingAccount('pinned', (a) => (a.usage.weekly = weeklyWindow(0, 160)))],
      (d) => (d.pin = { accountId: d.accounts[1]!.id }),
    );
    expect(chosenAlias(choosePace(data))).toBe('pinned');
  });
});

describe('chooseAccount: round-robin', () => {
  const data = storeOf([routingAccount('a'), routingAccount('b', (a) => (a.enabled = false)), routingAccount('c'), routingAccount('d')]);

  it('cycles in store order, skipping ineligible accounts and wrapping around', () => {
    const order: (string | undefined)[] = [];
    let last: string | undefined;
    for (let i = 0; i < 5; i++) {
      const choice = chooseAccount(data, request(), { lastRoundRobinId: last }, settings('round-robin'));
      order.push(chosenAlias(choice));
      if (choice.ok) last = choice.account.id;
    }
    expect(order).toEqual(['a', 'c', 'd', 'a', 'c']);
  });

  it('ignores the session and headroom', () => {
    const skewed = storeOf([routingAccount('a', (a) => (a.usage.fiveHour = snapshot(90))), routingAccount('b')]);
    const choice = chooseAccount(skewed, request({ sessionId: 's' }), { lastRoundRobinId: skewed.accounts[1]!.id }, settings('round-robin'));
    expect(chosenAlias(choice)).toBe('a');
    expect(choice.ok && choice.reason).toBe('round-robin');
  });
});

describe('chooseAccount: least-used', () => {
  it('ignores the session and picks most headroom every time', () => {
    const data = storeOf([routingAccount('home', (a) => (a.usage.fiveHour = snapshot(50))), routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(5)))]);
    const choice = chooseAccount(data, request({ sessionId: 's' }), { sessionAccountId: data.accounts[0]!.id }, settings('least-used'));
    expect(chosenAlias(choice)).toBe('fresh');
  });
});

describe('chooseAccount: pin', () => {
  it('forces the pinned account even with less headroom and against the session', () => {
    const data = storeOf(
      [routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1))), routingAccount('pinned', (a) => (a.usage.fiveHour = snapshot(95)))],
      (d) => (d.pin = { accountId: d.accounts[1]!.id }),
    );
    const choice = choose(data, { sessionId: 's' }, { sessionAccountId: data.accounts[0]!.id });
    expect(chosenAlias(choice)).toBe('pinned');
    expect(choice.ok && choice.reason).toBe('pinned');
  });

  it('gives no choice when the pinned account is paused, and never falls back to another', () => {
    const data = storeOf(
      [routingAccount('free'), routingAccount('pinned', (a) => (a.usage.fiveHour = paused))],
      (d) => (d.pin = { accountId: d.accounts[1]!.id }),
    );
    const choice = choose(data);
    expect(choice.ok).toBe(false);
    if (choice.ok) return;
    expect(choice.pinnedAlias).toBe('pinned');
    expect(choice.verdicts.map((verdict) => verdict.account.alias)).toEqual(['pinned']);
    expect(choice.firstAvailableAt).toBe(NOW + HOUR);
  });

  it('ignores a pin that has expired', () => {
    const data = storeOf(
      [routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1))), routingAccount('pinned', (a) => (a.usage.fiveHour = snapshot(95)))],
      (d) => (d.pin = { accountId: d.accounts[1]!.id, until: NOW - 1 }),
    );
    expect(chosenAlias(choose(data))).toBe('fresh');
  });

  it('honours a pin that has not expired yet', () => {
    const data = storeOf([routingAccount('fresh'), routingAccount('pinned')], (d) => (d.pin = { accountId: d.accounts[1]!.id, until: NOW + MINUTE }));
    expect(chosenAlias(choose(data))).toBe('pinned');
  });
});

describe('chooseAccount: nobody eligible', () => {
  it('lists every account with its reasons, soonest back first, and the first back time', () => {
    const data = storeOf([
      routingAccount('relogin', (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW - HOUR })),
      routingAccount('weekly', (a) => (a.usage.weekly = snapshot(100, { windowMinutes: 10_080, resetsAt: NOW + 50 * HOUR }))),
      routingAccount('burst', (a) => ((a.health.cooldownUntil = NOW + 2 * MINUTE), (a.health.cooldownReason = 'rate limited (burst)'))),
    ]);
    const choice = choose(data);
    expect(choice.ok).toBe(false);
    if (choice.ok) return;
    expect(choice.verdicts.map((verdict) => [verdict.account.alias, verdict.availableAt])).toEqual([
      ['burst', NOW + 2 * MINUTE],
      ['weekly', NOW + 50 * HOUR],
      ['relogin', undefined],
    ]);
    expect(choice.firstAvailableAt).toBe(NOW + 2 * MINUTE);
  });
});

describe('AccountRotator', () => {
  it('keeps a session on the account that served it and sends another session elsewhere by headroom', () => {
    const data = storeOf([routingAccount('a', (a) => (a.usage.fiveHour = snapshot(10))), routingAccount('b', (a) => (a.usage.fiveHour = snapshot(20)))]);
    const rotator = new AccountRotator(settings('sticky'));
    const first = rotator.choose(data, request({ sessionId: 's1' }));
    expect(chosenAlias(first)).toBe('a');
    rotator.served(data.accounts[1]!.id, 's1');
    expect(chosenAlias(rotator.choose(data, request({ sessionId: 's1' })))).toBe('b');
    expect(chosenAlias(rotator.choose(data, request({ sessionId: 's2' })))).toBe('a');
  });

  it('finds a resumed session in the store when this process never served it', () => {
    const data = storeOf([routingAccount('a'), routingAccount('b', (a) => (a.usage.fiveHour = snapshot(50)))], (d) => {
      d.sessions['ses_old'] = { accountId: d.accounts[1]!.id, at: NOW - HOUR };
    });
    const rotator = new AccountRotator(settings('sticky'));
    expect(chosenAlias(rotator.choose(data, request({ sessionId: 'ses_old' })))).toBe('b');
  });

  it('advances round-robin from the account that served last', () => {
    const data = storeOf([routingAccount('a'), routingAccount('b'), routingAccount('c')]);
    const rotator = new AccountRotator(settings('round-robin'));
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      const choice = rotator.choose(data, request());
      seen.push(chosenAlias(choice));
      if (choice.ok) rotator.served(choice.account.id, undefined);
    }
    expect(seen).toEqual(['a', 'b', 'c', 'a']);
  });
});
