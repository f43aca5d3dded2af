import type { Account, WindowSnapshot } from '../../src/store/schema.js';

/** A stored account with sensible defaults, for pure tests that need no simulator. */
export function makeAccount(fields: Partial<Account> & { id?: string } = {}): Account {
  const id = fields.id ?? 'acct:user';
  return {
    id,
    alias: id,
    chatgptAccountId: id.split(':')[0]!,
    enabled: true,
    addedAt: 0,
    origin: 'manual',
    tokens: { accessToken: 'access', refreshToken: 'refresh', expiresAt: Number.MAX_SAFE_INTEGER, obtainedAt: 0 },
    health: {},
    usage: {},
    stats: { requests: 0 },
    ...fields,
  };
}

export function window(usedPercent: number, observedAt: number, extra: Partial<WindowSnapshot> = {}): WindowSnapshot {
  return { usedPercent, observedAt, source: 'usage-endpoint', windowMinutes: 300, ...extra };
}
