import { AccountStore } from '../../src/store/account-store.js';
import { upsertAccount } from '../../src/store/mutations.js';
import type { Account } from '../../src/store/schema.js';
import { accountFromGrant } from '../../src/tokens/tokens-from-grant.js';
import type { Simulator, SimTokens } from '../sim/index.js';

/** An account built from tokens the simulator minted, as a sign-in would store it. */
export function accountFromSimTokens(tokens: SimTokens, alias: string, now: number, edit?: (account: Account) => void): Account {
  const account = accountFromGrant(
    { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token, expiresIn: tokens.expires_in },
    { alias, origin: 'manual', now },
  );
  edit?.(account);
  return account;
}

/** Writes accounts into the store at `dir` through the real store (lock, atomic write). */
export async function seedStore(dir: string, accounts: Account[]): Promise<void> {
  const store = new AccountStore({ dir });
  await store.load();
  await store.update((data) => {
    for (const account of accounts) upsertAccount(data, account);
  });
  await store.close();
}

/** Signs accounts in at the simulator (each a new token family) and stores them, as `opencode-multi-auth login` does. */
export async function signInSimAccounts(dir: string, sim: Pick<Simulator, 'issueTokens'>, accountIds: readonly string[]): Promise<void> {
  const now = Date.now();
  await seedStore(
    dir,
    accountIds.map((accountId) =>
      accountFromSimTokens(sim.issueTokens(accountId), accountId, now, (account) => {
        account.origin = 'browser';
      }),
    ),
  );
}
