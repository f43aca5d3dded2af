import { accountIdentity, emptyStore, type Account, type StoreData, type WindowSnapshot } from '../../src/store/schema.js';

/** A fixed "now" for pure routing tests: 2026-05-12 10:00 UTC. */
export const NOW = Date.UTC(2026, 4, 12, 10, 0, 0);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A stored account named `name` (alias, chatgpt account id and user id all derive from it), eligible by default. */
export function routingAccount(name: string, edit?: (account: Account) => void): Account {
  const account: Account = {
    id: accountIdentity(`acct-${name}`, `user-${name}`),
    alias: name,
    chatgptAccountId: `acct-${name}`,
    userId: `user-${name}`,
    enabled: true,
    addedAt: NOW - 30 * 24 * HOUR,
    origin: 'manual',
    tokens: { accessToken: `access-${name}`, refreshToken: `refresh-${name}`, expiresAt: NOW + HOUR, obtainedAt: NOW - HOUR },
    health: {},
    usage: {},
    stats: { requests: 0 },
  };
  edit?.(account);
  return account;
}

/** A usage window observed just now, resetting in an hour unless `extra` says otherwise. */
export function snapshot(usedPercent: number, extra: Partial<WindowSnapshot> = {}): WindowSnapshot {
  return { usedPercent, windowMinutes: 300, resetsAt: NOW + HOUR, observedAt: NOW - MINUTE, source: 'usage-endpoint', ...extra };
}

/** A store holding these accounts in this order. */
export function storeOf(accounts: Account[], edit?: (data: StoreData) => void): StoreData {
  const data: StoreData = { ...emptyStore(), accounts };
  edit?.(data);
  return data;
}
