import { describe, expect, it } from 'vitest';
import { availableAgainAt, exclusionsOf, isEligible, type EligibilityContext, type Exclusion } from '../../src/rotator/exclusion.js';
import { percentLeftOf, soonestResetOf } from '../../src/rotator/headroom.js';
import type { Account } from '../../src/store/schema.js';
import { HOUR, MINUTE, NOW, routingAccount, snapshot } from '../support/routing-accounts.js';

const STALE_AFTER = 2 * HOUR;
const SPARK = { id: 'codex_bengalfox', limitName: 'GPT-5.3-Codex-Spark' };

function context(fields: Partial<EligibilityContext> = {}): EligibilityContext {
  return { now: NOW, model: 'gpt-5.4', pauseAtPercent: 100, snapshotStaleAfterMs: STALE_AFTER, ...fields };
}

interface Row {
  name: string;
  account: Account;
  context?: Partial<EligibilityContext>;
  /** The exclusion kinds expected, most fundamental first; [] means eligible. */
  expected: Exclusion['kind'][];
}

const ROWS: Row[] = [
  { name: 'a fresh enabled account is eligible', account: routingAccount('a'), expected: [] },
  { name: 'a disabled account is excluded', account: routingAccount('a', (a) => (a.enabled = false)), expected: ['disabled'] },
  {
    name: 'an account needing a new sign-in is excluded',
    account: routingAccount('a', (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW - HOUR })),
    expected: ['relogin-required'],
  },
  {
    name: 'a cooldown not yet over excludes',
    account: routingAccount('a', (a) => ((a.health.cooldownUntil = NOW + MINUTE), (a.health.cooldownReason = 'rate limited (burst)'))),
    expected: ['cooldown'],
  },
  {
    name: 'a cooldown that has passed no longer excludes',
    account: routingAccount('a', (a) => (a.health.cooldownUntil = NOW - 1)),
    expected: [],
  },
  {
    name: 'a cooldown ending exactly now no longer excludes',
    account: routingAccount('a', (a) => (a.health.cooldownUntil = NOW)),
    expected: [],
  },
  {
    name: 'a deactivated workspace excludes until its re-check',
    account: routingAccount('a', (a) => (a.health.workspaceDeactivatedUntil = NOW + 30 * MINUTE)),
    expected: ['workspace-deactivated'],
  },
  {
    name: 'a deactivated workspace whose re-check time passed no longer excludes',
    account: routingAccount('a', (a) => (a.health.workspaceDeactivatedUntil = NOW - MINUTE)),
    expected: [],
  },
  {
    name: 'an unsupported model excludes requests for that model',
    account: routingAccount('a', (a) => (a.health.unsupportedModels = { 'gpt-5.4': NOW + HOUR })),
    expected: ['model-unsupported'],
  },
  {
    name: 'an unsupported model does not exclude requests for another model',
    account: routingAccount('a', (a) => (a.health.unsupportedModels = { 'gpt-5.4': NOW + HOUR })),
    context: { model: 'gpt-5.3-codex' },
    expected: [],
  },
  {
    name: 'an unsupported-model mark that expired no longer excludes',
    account: routingAccount('a', (a) => (a.health.unsupportedModels = { 'gpt-5.4': NOW - 1 })),
    expected: [],
  },
  {
    name: 'a fresh 100% five-hour window pauses',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100))),
    expected: ['usage-limit'],
  },
  {
    name: 'a fresh 100% weekly window pauses',
    account: routingAccount('a', (a) => (a.usage.weekly = snapshot(100, { windowMinutes: 10_080 }))),
    expected: ['usage-limit'],
  },
  {
    name: 'a window below the pause threshold does not pause',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(99.9))),
    expected: [],
  },
  {
    name: 'a window at a lowered pause threshold pauses',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(90))),
    context: { pauseAtPercent: 90 },
    expected: ['usage-limit'],
  },
  {
    name: 'a window just under a lowered pause threshold does not pause',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(89))),
    context: { pauseAtPercent: 90 },
    expected: [],
  },
  {
    name: 'self-heal: a 100% snapshot older than the stale bound does not pause',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100, { observedAt: NOW - STALE_AFTER - 1, resetsAt: NOW + 3 * HOUR }))),
    expected: [],
  },
  {
    name: 'a 100% snapshot exactly at the stale bound still pauses',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100, { observedAt: NOW - STALE_AFTER }))),
    expected: ['usage-limit'],
  },
  {
    name: 'self-heal: a 100% snapshot whose window already reset does not pause',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100, { resetsAt: NOW - 1 }))),
    expected: [],
  },
  {
    name: 'a 100% snapshot with no observedAt counts as fresh and pauses',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100, { observedAt: undefined }))),
    expected: ['usage-limit'],
  },
  {
    name: 'a 100% snapshot with neither observedAt nor resetsAt pauses',
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100, { observedAt: undefined, resetsAt: undefined }))),
    expected: ['usage-limit'],
  },
  {
    name: 'a spent limit family excludes a request for its model (its 429 cooldown)',
    account: routingAccount('a', (a) => (a.health.familyCooldowns = { codex_bengalfox: { until: NOW + HOUR, reason: 'x' } })),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: ['family-limit'],
  },
  {
    name: "a family's fresh 100% window excludes a request for its model",
    account: routingAccount('a', (a) => (a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(100) } })),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: ['family-limit'],
  },
  {
    name: "a spent family leaves the account's other models alone",
    account: routingAccount('a', (a) => {
      a.health.familyCooldowns = { codex_bengalfox: { until: NOW + HOUR, reason: 'x' } };
      a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(100) } };
    }),
    context: { model: 'gpt-5.4' },
    expected: [],
  },
  {
    name: "a family's stale 100% window and an expired family cooldown no longer exclude",
    account: routingAccount('a', (a) => {
      a.health.familyCooldowns = { codex_bengalfox: { until: NOW - 1, reason: 'x' } };
      a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(100, { resetsAt: NOW - 1 }) } };
    }),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: [],
  },
  {
    name: "another family's spent limit does not exclude this family's model",
    account: routingAccount('a', (a) => (a.health.familyCooldowns = { codex_other: { until: NOW + HOUR, reason: 'x' } })),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: [],
  },
  {
    name: "the account-wide limit still excludes a family's model",
    account: routingAccount('a', (a) => (a.usage.fiveHour = snapshot(100))),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: ['usage-limit'],
  },
  {
    name: 'an account whose catalog lacks the model is excluded',
    account: routingAccount('a', (a) => (a.catalog = { models: [{ slug: 'gpt-5.5', visibility: 'list' }], checkedAt: NOW })),
    expected: ['model-not-in-catalog'],
  },
  {
    name: 'an account whose catalog has the model, even hidden, is not excluded',
    account: routingAccount('a', (a) => (a.catalog = { models: [{ slug: 'gpt-5.4', visibility: 'hide' }], checkedAt: NOW })),
    expected: [],
  },
  {
    name: 'a full 30-day window (free plan) excludes',
    account: routingAccount('a', (a) => (a.usage.monthly = snapshot(100, { windowMinutes: 43_200, resetsAt: NOW + 240 * HOUR }))),
    expected: ['usage-limit'],
  },
  {
    name: "the backend's allowed:false excludes at 12 % used",
    account: routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(12);
      a.usage.limit = { reached: true, reason: 'workspace_member_usage_limit_reached', until: NOW + HOUR, observedAt: NOW - MINUTE };
    }),
    expected: ['limit-reached'],
  },
  {
    name: "the backend's block ends at its reset",
    account: routingAccount('a', (a) => (a.usage.limit = { reached: true, until: NOW, observedAt: NOW - HOUR })),
    expected: [],
  },
  {
    name: 'a block older than a snapshot stays believed is re-checked, not trusted',
    account: routingAccount('a', (a) => (a.usage.limit = { reached: true, until: NOW + 100 * HOUR, observedAt: NOW - 3 * HOUR })),
    expected: [],
  },
  {
    name: 'a newer "allowed" lifts the block',
    account: routingAccount('a', (a) => (a.usage.limit = { reached: false, observedAt: NOW - MINUTE })),
    expected: [],
  },
  {
    name: 'credits keep an account past its limits only with USE_CREDITS',
    account: routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(100);
      a.usage.limit = { reached: true, until: NOW + HOUR, observedAt: NOW - MINUTE };
      a.usage.credits = { hasCredits: true, balance: '5', observedAt: NOW };
    }),
    expected: ['usage-limit', 'limit-reached'],
  },
  {
    name: 'with USE_CREDITS an account with credits serves past its limits',
    account: routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(100);
      a.usage.limit = { reached: true, until: NOW + HOUR, observedAt: NOW - MINUTE };
      a.usage.credits = { unlimited: true, observedAt: NOW };
    }),
    context: { useCredits: true },
    expected: [],
  },
  {
    name: 'USE_CREDITS does nothing for an account without credits',
    account: routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(100);
      a.usage.credits = { hasCredits: false, unlimited: false, balance: '0', observedAt: NOW };
    }),
    context: { useCredits: true },
    expected: ['usage-limit'],
  },
  {
    name: "the backend's allowed:false also excludes a family's model",
    account: routingAccount('a', (a) => (a.usage.limit = { reached: true, until: NOW + HOUR, observedAt: NOW - MINUTE })),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: ['limit-reached'],
  },
  {
    name: "a family's full 30-day window excludes a request for its model",
    account: routingAccount(
      'a',
      (a) => (a.usage.additional = { codex_bengalfox: { monthly: snapshot(100, { windowMinutes: 43_200, resetsAt: NOW + 240 * HOUR }) } }),
    ),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK },
    expected: ['family-limit'],
  },
  {
    name: "USE_CREDITS lifts the account-wide limit but not a family's 429",
    account: routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(100);
      a.usage.credits = { hasCredits: true, balance: '5', observedAt: NOW };
      a.health.familyCooldowns = { codex_bengalfox: { until: NOW + HOUR, reason: 'x' } };
    }),
    context: { model: 'gpt-5.3-codex-spark', family: SPARK, useCredits: true },
    expected: ['family-limit'],
  },
  {
    name: 'every reason is listed, most fundamental first',
    account: routingAccount('a', (a) => {
      a.enabled = false;
      a.health.reloginRequired = { reason: 'refresh_token_expired', at: NOW - HOUR };
      a.health.cooldownUntil = NOW + MINUTE;
      a.usage.fiveHour = snapshot(100);
    }),
    expected: ['disabled', 'relogin-required', 'cooldown', 'usage-limit'],
  },
];

describe('account eligibility', () => {
  it.each(ROWS)('$name', ({ account, context: fields, expected }) => {
    expect(exclusionsOf(account, context(fields)).map((exclusion) => exclusion.kind)).toEqual(expected);
  });

  it.each(ROWS)('isEligible agrees with exclusionsOf: $name', ({ account, context: fields }) => {
    expect(isEligible(account, context(fields))).toBe(exclusionsOf(account, context(fields)).length === 0);
  });

  it('names the binding window as the one of those over the threshold that resets last', () => {
    const account = routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(100, { resetsAt: NOW + HOUR });
      a.usage.weekly = snapshot(100, { resetsAt: NOW + 72 * HOUR, windowMinutes: 10_080 });
    });
    expect(exclusionsOf(account, context())).toEqual([{ kind: 'usage-limit', window: 'weekly', usedPercent: 100, resetsAt: NOW + 72 * HOUR }]);
  });
});

describe('used-percent semantics (regression: used means used, never remaining)', () => {
  it('gives a fresh account at 1% used 99% headroom and leaves it eligible', () => {
    const fresh = routingAccount('fresh', (a) => (a.usage.fiveHour = snapshot(1)));
    expect(percentLeftOf(fresh, NOW, STALE_AFTER)).toBe(99);
    expect(isEligible(fresh, context({ pauseAtPercent: 90 }))).toBe(true);
  });

  it('gives an account at 99% used 1% headroom and pauses it at a 90% threshold', () => {
    const spent = routingAccount('spent', (a) => (a.usage.fiveHour = snapshot(99)));
    expect(percentLeftOf(spent, NOW, STALE_AFTER)).toBe(1);
    expect(isEligible(spent, context({ pauseAtPercent: 90 }))).toBe(false);
  });

  it('judges headroom by the fullest current window and ignores stale ones', () => {
    const account = routingAccount('a', (a) => {
      a.usage.fiveHour = snapshot(20);
      a.usage.weekly = snapshot(70, { windowMinutes: 10_080, resetsAt: NOW + 48 * HOUR });
    });
    expect(percentLeftOf(account, NOW, STALE_AFTER)).toBe(30);
    expect(soonestResetOf(account, NOW, STALE_AFTER)).toBe(NOW + HOUR);
    account.usage.weekly!.observedAt = NOW - STALE_AFTER - 1;
    expect(percentLeftOf(account, NOW, STALE_AFTER)).toBe(80);
  });

  it('gives an account with no snapshot full headroom', () => {
    expect(percentLeftOf(routingAccount('a'), NOW, STALE_AFTER)).toBe(100);
    expect(soonestResetOf(routingAccount('a'), NOW, STALE_AFTER)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('availableAgainAt', () => {
  it('is the latest of the passing reasons', () => {
    expect(
      availableAgainAt([
        { kind: 'cooldown', until: NOW + MINUTE, reason: 'x' },
        { kind: 'usage-limit', window: 'fiveHour', usedPercent: 100, resetsAt: NOW + HOUR },
      ]),
    ).toBe(NOW + HOUR);
  });

  it('is unknown when a person must act or the reset time is unknown', () => {
    expect(availableAgainAt([{ kind: 'disabled' }, { kind: 'cooldown', until: NOW + MINUTE, reason: 'x' }])).toBeUndefined();
    expect(availableAgainAt([{ kind: 'relogin-required', reason: 'r', since: NOW }])).toBeUndefined();
    expect(availableAgainAt([{ kind: 'usage-limit', window: 'weekly', usedPercent: 100 }])).toBeUndefined();
  });
});
