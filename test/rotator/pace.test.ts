import { describe, expect, it } from 'vitest';
import { atLimitEdge, EDGE_SCORE, fiveHourRoom, paceDetailOf, paceOf, riskScoreOf, WEEK_HOURS } from '../../src/rotator/pace.js';
import { DEFAULT_PLAN_WEIGHT, PLAN_WEIGHTS, planWeight } from '../../src/rotator/plan-weights.js';
import type { Account } from '../../src/store/schema.js';
import { HOUR, MINUTE, NOW, routingAccount, snapshot } from '../support/routing-accounts.js';

const STALE_AFTER = 2 * HOUR;
const weekly = (usedPercent: number, resetsInHours: number) => snapshot(usedPercent, { windowMinutes: 10_080, resetsAt: NOW + resetsInHours * HOUR });

function account(plan: string | undefined, edit?: (account: Account) => void): Account {
  return routingAccount(`a-${plan ?? 'none'}`, (a) => {
    if (plan !== undefined) a.plan = plan;
    edit?.(a);
  });
}

describe('planWeight', () => {
  it.each([
    ['plus', 1],
    ['pro', 10],
    ['PRO', 10],
    ['team', 1],
    ['free', 0.2],
    ['something-new', DEFAULT_PLAN_WEIGHT],
    [undefined, DEFAULT_PLAN_WEIGHT],
  ])('weighs plan %s as %d', (plan, weight) => {
    expect(planWeight(plan)).toBe(weight);
  });

  it('documents a weight for every plan it names, each positive', () => {
    for (const weight of Object.values(PLAN_WEIGHTS)) expect(weight).toBeGreaterThan(0);
  });
});

describe('paceOf: weekly units left per hour until the weekly reset', () => {
  const cases: { name: string; plan?: string; edit: (a: Account) => void; expected: number }[] = [
    { name: 'a fresh Plus week resetting in 100 h', plan: 'plus', edit: (a) => (a.usage.weekly = weekly(0, 100)), expected: 1 / 100 },
    { name: 'Plus, 60 % used, resetting in 10 h', plan: 'plus', edit: (a) => (a.usage.weekly = weekly(60, 10)), expected: 0.4 / 10 },
    { name: 'Pro, 60 % used, resetting in 10 h (ten times the units)', plan: 'pro', edit: (a) => (a.usage.weekly = weekly(60, 10)), expected: 4 / 10 },
    { name: 'an exhausted week', plan: 'plus', edit: (a) => (a.usage.weekly = weekly(100, 10)), expected: 0 },
    {
      name: 'a reset seconds away counts as a quarter hour',
      plan: 'plus',
      edit: (a) => (a.usage.weekly = snapshot(50, { windowMinutes: 10_080, resetsAt: NOW + 1_000 })),
      expected: 0.5 / 0.25,
    },
    {
      name: 'an old weekly snapshot still names its reset (usage only grows within a window)',
      plan: 'plus',
      edit: (a) => (a.usage.weekly = snapshot(20, { windowMinutes: 10_080, resetsAt: NOW + 20 * HOUR, observedAt: NOW - 5 * HOUR })),
      expected: 0.8 / 20,
    },
    { name: 'no weekly window: today headroom over a full week', plan: 'plus', edit: (a) => (a.usage.fiveHour = snapshot(40)), expected: 0.6 / WEEK_HOURS },
    { name: 'no usage known at all: a full week of a full window', plan: 'pro', edit: () => undefined, expected: 10 / WEEK_HOURS },
    {
      name: 'a weekly window that already reset is unknown, not exhausted',
      plan: 'plus',
      edit: (a) => (a.usage.weekly = snapshot(100, { windowMinutes: 10_080, resetsAt: NOW - MINUTE })),
      expected: 1 / WEEK_HOURS,
    },
    {
      name: 'a 5-hour window with 15 points left halves the pace',
      plan: 'plus',
      edit: (a) => ((a.usage.weekly = weekly(0, 100)), (a.usage.fiveHour = snapshot(85))),
      expected: (1 / 100) * 0.5,
    },
  ];

  it.each(cases)('$name', ({ plan, edit, expected }) => {
    const subject = account(plan, edit);
    expect(paceOf(subject, NOW, STALE_AFTER)).toBeCloseTo(expected, 10);
    // The record the explanation shows gives the very same number.
    expect(paceDetailOf(subject, NOW, STALE_AFTER).pace).toBeCloseTo(expected, 10);
  });

  it('says which basis it used and the numbers behind it', () => {
    expect(
      paceDetailOf(
        account('pro', (a) => (a.usage.weekly = weekly(60, 10))),
        NOW,
        STALE_AFTER,
      ),
    ).toEqual({
      pace: 0.4,
      basis: 'weekly-reset',
      weight: 10,
      unitsLeft: 4,
      hoursToReset: 10,
      fiveHourRoom: 1,
    });
    expect(paceDetailOf(account('plus'), NOW, STALE_AFTER).basis).toBe('no-weekly-reset');
  });
});

describe('fiveHourRoom', () => {
  it.each([
    ['no 5-hour window known', undefined, 1],
    ['50 % used', snapshot(50), 1],
    ['70 % used (30 points left)', snapshot(70), 1],
    ['85 % used', snapshot(85), 0.5],
    ['100 % used', snapshot(100), 0.01],
    ['a stale 99 % snapshot', snapshot(99, { observedAt: NOW - 3 * HOUR }), 1],
  ])('%s', (_, fiveHour, expected) => {
    expect(
      fiveHourRoom(
        account('plus', (a) => (a.usage.fiveHour = fiveHour)),
        NOW,
        STALE_AFTER,
      ),
    ).toBeCloseTo(expected, 10);
  });
});

describe('atLimitEdge', () => {
  it.each([
    ['a 5-hour window at 98 %', 'plus', (a: Account) => (a.usage.fiveHour = snapshot(98)), true],
    ['a 5-hour window at 97 %', 'plus', (a: Account) => (a.usage.fiveHour = snapshot(97)), false],
    ['a stale 5-hour window at 99 %', 'plus', (a: Account) => (a.usage.fiveHour = snapshot(99, { observedAt: NOW - 3 * HOUR })), false],
    ['a Plus week at 99 % (1 unit left)', 'plus', (a: Account) => (a.usage.weekly = weekly(99, 50)), true],
    ['a Plus week at 98 % (2 units left)', 'plus', (a: Account) => (a.usage.weekly = weekly(98, 50)), false],
    ['a Pro week at 99 % (10 units left)', 'pro', (a: Account) => (a.usage.weekly = weekly(99, 50)), false],
    ['nothing known', 'plus', () => undefined, false],
  ])('%s: %s', (_, plan, edit, expected) => {
    expect(atLimitEdge(account(plan, edit), NOW, STALE_AFTER)).toBe(expected);
  });
});

describe('riskScoreOf (the hot-path form)', () => {
  it('gives the same score as atLimitEdge and paceOf together, over a grid of plans and windows', () => {
    const fiveHours = [
      undefined,
      snapshot(0),
      snapshot(50),
      snapshot(75),
      snapshot(97),
      snapshot(98),
      snapshot(100),
      snapshot(99, { observedAt: NOW - 3 * HOUR }),
    ];
    const weeklies = [
      undefined,
      weekly(0, 100),
      weekly(60, 10),
      weekly(98, 50),
      weekly(99, 50),
      weekly(100, 3),
      snapshot(30, { windowMinutes: 10_080, resetsAt: NOW - MINUTE }),
      snapshot(30, { windowMinutes: 10_080, resetsAt: NOW + 20 * HOUR, observedAt: NOW - 5 * HOUR }),
      snapshot(99.5, { windowMinutes: 10_080, resetsAt: NOW + 20 * HOUR, observedAt: NOW - 5 * HOUR }),
    ];
    let compared = 0;
    for (const plan of ['plus', 'pro', 'free', undefined]) {
      for (const fiveHour of fiveHours) {
        for (const weeklyWindow of weeklies) {
          const subject = account(plan, (a) => {
            if (fiveHour) a.usage.fiveHour = fiveHour;
            if (weeklyWindow) a.usage.weekly = weeklyWindow;
          });
          const expected = atLimitEdge(subject, NOW, STALE_AFTER) ? EDGE_SCORE : paceOf(subject, NOW, STALE_AFTER);
          expect(riskScoreOf(subject, NOW, STALE_AFTER), JSON.stringify({ plan, fiveHour, weeklyWindow })).toBeCloseTo(expected, 12);
          compared += 1;
        }
      }
    }
    expect(compared).toBe(4 * 8 * 9);
  });
});
