import { describe, expect, it } from 'vitest';
import { QUOTA_COOLDOWN_REASON } from '../../src/store/cooldown-reasons.js';
import { clearTemporaryExclusions, extendCooldown, recordSnapshot } from '../../src/store/mutations.js';
import type { Account, WindowSnapshot } from '../../src/store/schema.js';
import { makeAccount, storeWith } from './factories.js';

const SET_AT = 1_000_000;
const UNTIL = SET_AT + 5 * 3_600_000;

function cooling(overrides: Partial<Account['health']> = {}, usage: Account['usage'] = {}): Account {
  return makeAccount(1, { health: { cooldownUntil: UNTIL, cooldownReason: QUOTA_COOLDOWN_REASON, cooldownSetAt: SET_AT, ...overrides }, usage });
}

const reading = (overrides: Partial<WindowSnapshot> = {}): WindowSnapshot => ({
  usedPercent: 40,
  windowMinutes: 300,
  resetsAt: SET_AT + 3_600_000,
  observedAt: SET_AT + 60_000,
  source: 'usage-endpoint',
  ...overrides,
});

describe('a usage reading that shows headroom clears the quota cooldown it disproves', () => {
  it.each<[string, Account, WindowSnapshot, boolean]>([
    ['an authoritative reading after the cooldown, with headroom', cooling(), reading(), true],
    ['a reading from the codex CLI', cooling(), reading({ source: 'codex-cli' }), true],
    ['a reading taken before the cooldown was set', cooling(), reading({ observedAt: SET_AT - 1 }), false],
    ['a reading still at the limit', cooling(), reading({ usedPercent: 100 }), false],
    ['reply headers, which may be another limit family', cooling(), reading({ source: 'response-headers' }), false],
    ['a burst cooldown (headroom does not disprove it)', cooling({ cooldownReason: 'burst limit' }), reading(), false],
    ['a cooldown of unknown start', cooling({ cooldownSetAt: undefined }), reading(), false],
    [
      'the other window still exhausted',
      cooling({}, { weekly: { usedPercent: 100, resetsAt: UNTIL, observedAt: SET_AT, source: 'usage-endpoint' } }),
      reading(),
      false,
    ],
    [
      'the other window exhausted but already reset',
      cooling({}, { weekly: { usedPercent: 100, resetsAt: SET_AT + 30_000, observedAt: SET_AT, source: 'usage-endpoint' } }),
      reading(),
      true,
    ],
  ])('%s -> cleared: %s', (_label, account, snapshot, cleared) => {
    const data = storeWith(account);
    recordSnapshot(data, account.id, 'fiveHour', snapshot);
    expect(data.accounts[0]!.usage.fiveHour).toEqual(snapshot);
    expect(data.accounts[0]!.health.cooldownUntil === undefined).toBe(cleared);
  });

  it('records when a cooldown was set, and only extends it', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    extendCooldown(data, account.id, UNTIL, QUOTA_COOLDOWN_REASON, SET_AT);
    extendCooldown(data, account.id, UNTIL - 1, 'burst limit', SET_AT + 5);
    expect(data.accounts[0]!.health).toMatchObject({ cooldownUntil: UNTIL, cooldownReason: QUOTA_COOLDOWN_REASON, cooldownSetAt: SET_AT });
  });

  it('clears every temporary exclusion by hand, but not a needed sign-in', () => {
    const account = cooling({
      workspaceDeactivatedUntil: UNTIL,
      unsupportedModels: { 'gpt-x': UNTIL },
      reloginRequired: { reason: 'refresh_token_reused', at: SET_AT },
    });
    const data = storeWith(account);
    clearTemporaryExclusions(data, account.id);
    expect(data.accounts[0]!.health).toEqual({ reloginRequired: { reason: 'refresh_token_reused', at: SET_AT } });
  });
});
