import { describe, expect, it } from 'vitest';
import { chosenBecause } from '../../src/codex/decision-record.js';
import { describeChoiceReason, explainNewSession, formatPace } from '../../src/rotator/explain-choice.js';
import { HOUR, NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

const SETTINGS = { strategy: 'pace' as const, pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR };
const weekly = (usedPercent: number, resetsInHours: number) => snapshot(usedPercent, { windowMinutes: 10_080, resetsAt: NOW + resetsInHours * HOUR });

const data = storeOf([
  routingAccount('roomy', (a) => ((a.plan = 'plus'), (a.usage.weekly = weekly(10, 150)))),
  routingAccount('expiring', (a) => ((a.plan = 'plus'), (a.usage.weekly = weekly(50, 5)))),
  routingAccount('edge', (a) => ((a.plan = 'plus'), (a.usage.fiveHour = snapshot(99)), (a.usage.weekly = weekly(0, 3)))),
  routingAccount('out', (a) => (a.enabled = false)),
]);

describe('explainNewSession', () => {
  it('names the account a new session would take and ranks the rest: by pace, edge accounts after, ineligible last', () => {
    const explanation = explainNewSession(data, NOW, SETTINGS);
    expect(explanation.chosen?.account.alias).toBe('expiring');
    expect(explanation.chosen?.reason).toBe('most-at-risk');
    expect(explanation.standings.map((standing) => standing.account.alias)).toEqual(['expiring', 'roomy', 'edge', 'out']);
    expect(explanation.standings.map((standing) => standing.eligible)).toEqual([true, true, true, false]);
    expect(explanation.standings[2]!.atEdge).toBe(true);
    expect(explanation.standings[3]!.reasons[0]).toMatch(/^disabled/);
  });

  it('agrees with the rotator for the other strategies too', () => {
    expect(explainNewSession(data, NOW, { ...SETTINGS, strategy: 'sticky' }).chosen?.account.alias).toBe('roomy');
  });
});

describe('describeChoiceReason', () => {
  it.each([
    ['pinned', /^the pinned account$/],
    ['session', /^the session's own account/],
    ['most-at-risk', /^the account whose quota is most at risk of expiring unused \(0\.10 units\/h: 0\.5 units left \(plus ×1\), weekly reset in 5h\)$/],
    ['limit-edge', /^the session's account was left at the edge of a limit/],
    ['most-headroom', /^the account with the most headroom \(50% left\)$/],
    ['round-robin', /^the next account in turn$/],
  ] as const)('%s', (reason, expected) => {
    expect(describeChoiceReason(reason, data.accounts[1], NOW, SETTINGS.snapshotStaleAfterMs)).toMatch(expected);
  });

  it('formats small and large paces readably', () => {
    expect(formatPace(0.0123)).toBe('0.012 units/h');
    expect(formatPace(0.5)).toBe('0.50 units/h');
    expect(formatPace(12.345)).toBe('12.3 units/h');
  });
});

describe('chosenBecause (the decision record)', () => {
  const context = { now: NOW, model: 'gpt-5.4', pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR };

  it('explains the account that served, by the reason the rotator gave', () => {
    const attempts = [
      { account: 'edge', status: 429, outcome: 'HTTP 429 usage limit reached' },
      { account: 'expiring', status: 200, outcome: 'served' },
    ];
    expect(chosenBecause(data, attempts, 'most-at-risk', context)).toContain('most at risk of expiring unused (0.10 units/h');
  });

  it('says nothing when no account served', () => {
    expect(chosenBecause(data, [{ account: 'edge', status: 429, outcome: 'HTTP 429 usage limit reached' }], 'none', context)).toBeUndefined();
  });
});
