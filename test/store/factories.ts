import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { accountIdentity, emptyStore, type Account, type StoreData } from '../../src/store/schema.js';

/** An unsigned JWT with these claims (the plugin only reads claims). */
export function fakeJwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.sig`;
}

export function accessTokenFor(chatgptAccountId: string, userId: string, extra: Record<string, unknown> = {}): string {
  return fakeJwt({
    'https://api.openai.com/auth': { chatgpt_account_id: chatgptAccountId, chatgpt_user_id: userId, chatgpt_plan_type: 'plus' },
    'https://api.openai.com/profile': { email: `${userId}@example.test` },
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...extra,
  });
}

let serial = 0;

/** A valid stored account; `n` picks a distinct identity. */
export function makeAccount(n: number, overrides: Partial<Account> = {}): Account {
  const chatgptAccountId = `acct-${n}`;
  const userId = `user-${n}`;
  serial += 1;
  return {
    id: accountIdentity(chatgptAccountId, userId),
    alias: `alias-${n}`,
    email: `${userId}@example.test`,
    plan: 'plus',
    chatgptAccountId,
    userId,
    enabled: true,
    addedAt: 1_000,
    origin: 'manual',
    tokens: {
      accessToken: `access-${n}-${serial}`,
      refreshToken: `refresh-${n}-${serial}`,
      expiresAt: 10_000_000,
      obtainedAt: 1_000,
    },
    health: {},
    usage: {},
    stats: { requests: 0 },
    ...overrides,
  };
}

export function storeWith(...accounts: Account[]): StoreData {
  return { ...emptyStore(), accounts };
}

export function tempDir(prefix = 'multi-auth-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
