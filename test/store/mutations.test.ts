import { describe, expect, it } from 'vitest';
import { AliasTakenError } from '../../src/store/errors.js';
import {
  adoptTokens,
  extendCooldown,
  findAccount,
  markModelUnsupported,
  markReloginRequired,
  markWorkspaceDeactivated,
  recordError,
  recordRequestServed,
  recordSnapshot,
  removeAccount,
  renameAccount,
  setPin,
  upsertAccount,
} from '../../src/store/mutations.js';
import type { WindowSnapshot } from '../../src/store/schema.js';
import { makeAccount, storeWith } from './factories.js';

const snap = (usedPercent: number, observedAt?: number): WindowSnapshot => ({ usedPercent, observedAt, source: 'usage-endpoint' });

describe('store mutations', () => {
  it('keeps aliases unique when a different identity arrives with a taken alias', () => {
    const data = storeWith(makeAccount(1, { alias: 'work' }));
    upsertAccount(data, makeAccount(2, { alias: 'work' }));
    upsertAccount(data, makeAccount(3, { alias: 'work' }));
    expect(data.accounts.map((a) => a.alias)).toEqual(['work', 'work-2', 'work-3']);
  });

  it('merges an existing identity: newer tokens win and clear re-login, alias and stats stay', () => {
    const stored = makeAccount(1, { alias: 'mine', stats: { requests: 7 } });
    stored.health.reloginRequired = { reason: 'refresh_token_reused', at: 5 };
    const data = storeWith(stored);
    const older = makeAccount(1, { alias: 'other' });
    older.tokens = { ...older.tokens, accessToken: 'older', obtainedAt: 500 };
    upsertAccount(data, older);
    expect(data.accounts[0]!.tokens.accessToken).not.toBe('older');
    expect(data.accounts[0]!.health.reloginRequired).toBeDefined();
    const newer = makeAccount(1, { alias: 'other' });
    newer.tokens = { ...newer.tokens, accessToken: 'newer', obtainedAt: 2_000 };
    upsertAccount(data, newer);
    expect(data.accounts).toHaveLength(1);
    expect(data.accounts[0]!.tokens.accessToken).toBe('newer');
    expect(data.accounts[0]!.health.reloginRequired).toBeUndefined();
    expect(data.accounts[0]!.alias).toBe('mine');
    expect(data.accounts[0]!.stats.requests).toBe(7);
  });

  it.each([
    { stored: undefined, incoming: snap(10, 100), kept: 10 },
    { stored: snap(50, 200), incoming: snap(10, 100), kept: 50 },
    { stored: snap(50, 200), incoming: snap(10, 200), kept: 50 },
    { stored: snap(50, 200), incoming: snap(10, 300), kept: 10 },
    { stored: snap(50, undefined), incoming: snap(10, 1), kept: 10 },
    { stored: snap(50, 200), incoming: snap(10, undefined), kept: 50 },
  ])('snapshot merge: stored $stored.observedAt vs incoming $incoming.observedAt keeps $kept%', ({ stored, incoming, kept }) => {
    const account = makeAccount(1);
    if (stored) account.usage.fiveHour = stored;
    const data = storeWith(account);
    recordSnapshot(data, account.id, 'fiveHour', incoming);
    expect(data.accounts[0]!.usage.fiveHour!.usedPercent).toBe(kept);
  });

  it('only ever extends cooldowns, workspace deactivation and unsupported models', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    extendCooldown(data, account.id, 5_000, 'quota');
    extendCooldown(data, account.id, 3_000, 'burst');
    expect(data.accounts[0]!.health).toMatchObject({ cooldownUntil: 5_000, cooldownReason: 'quota' });
    extendCooldown(data, account.id, 9_000, 'burst');
    expect(data.accounts[0]!.health).toMatchObject({ cooldownUntil: 9_000, cooldownReason: 'burst' });
    markWorkspaceDeactivated(data, account.id, 100);
    markWorkspaceDeactivated(data, account.id, 50);
    expect(data.accounts[0]!.health.workspaceDeactivatedUntil).toBe(100);
    markModelUnsupported(data, account.id, 'gpt-x', 100);
    markModelUnsupported(data, account.id, 'gpt-x', 20);
    expect(data.accounts[0]!.health.unsupportedModels).toEqual({ 'gpt-x': 100 });
  });

  it('adopts only a newer token rotation', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    adoptTokens(data, account.id, { ...account.tokens, accessToken: 'stale', obtainedAt: account.tokens.obtainedAt });
    expect(data.accounts[0]!.tokens.accessToken).toBe(account.tokens.accessToken);
    adoptTokens(data, account.id, { ...account.tokens, accessToken: 'fresh', obtainedAt: account.tokens.obtainedAt + 1 });
    expect(data.accounts[0]!.tokens.accessToken).toBe('fresh');
  });

  it('does not mark re-login when a newer sign-in already replaced the tokens', () => {
    const account = makeAccount(1);
    account.tokens.obtainedAt = 2_000;
    const data = storeWith(account);
    markReloginRequired(data, account.id, 'refresh_token_reused', 1_500);
    expect(data.accounts[0]!.health.reloginRequired).toBeUndefined();
    markReloginRequired(data, account.id, 'refresh_token_reused', 2_500);
    expect(data.accounts[0]!.health.reloginRequired).toEqual({ reason: 'refresh_token_reused', at: 2_500 });
  });

  it('counts requests per day and keeps only the last 8 days', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    for (let day = 1; day <= 10; day++) recordRequestServed(data, account.id, Date.UTC(2026, 0, day, 12));
    recordRequestServed(data, account.id, Date.UTC(2026, 0, 10, 13));
    const stats = data.accounts[0]!.stats;
    expect(stats.requests).toBe(11);
    expect(Object.keys(stats.daily!)).toHaveLength(8);
    expect(stats.daily!['2026-01-10']).toBe(2);
    expect(stats.daily!['2026-01-02']).toBeUndefined();
    expect(stats.lastUsedAt).toBe(Date.UTC(2026, 0, 10, 13));
  });

  it('keeps the latest error only', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    recordError(data, account.id, 'new', 200);
    recordError(data, account.id, 'old', 100);
    expect(data.accounts[0]!.health.lastError).toEqual({ message: 'new', at: 200 });
  });

  it('refuses a rename onto another account alias, allows renaming to itself', () => {
    const data = storeWith(makeAccount(1, { alias: 'a' }), makeAccount(2, { alias: 'b' }));
    expect(() => renameAccount(data, data.accounts[0]!.id, 'b')).toThrow(AliasTakenError);
    renameAccount(data, data.accounts[0]!.id, 'a');
    renameAccount(data, data.accounts[0]!.id, 'c');
    expect(data.accounts.map((a) => a.alias)).toEqual(['c', 'b']);
  });

  it('is a no-op for an account that is gone, and removing drops its pin', () => {
    const account = makeAccount(1);
    const data = storeWith(account);
    setPin(data, { accountId: account.id });
    removeAccount(data, account.id);
    expect(data.pin).toBeUndefined();
    extendCooldown(data, account.id, 1, 'x');
    recordSnapshot(data, account.id, 'weekly', snap(1, 1));
    recordRequestServed(data, account.id, 1);
    expect(findAccount(data, account.id)).toBeUndefined();
    expect(data.accounts).toEqual([]);
  });
});
