import { AccountStore } from '../../src/store/account-store.js';
import { upsertAccount } from '../../src/store/mutations.js';
import type { StoreData } from '../../src/store/schema.js';
import { accountFromGrant } from '../../src/tokens/tokens-from-grant.js';
import type { CliWorld } from './harness.js';

/** Puts simulator accounts straight into the temp store, as a finished sign-in would. */
export async function seedAccounts(
  world: CliWorld,
  accounts: { accountId: string; alias: string }[],
  edit?: (data: StoreData) => void,
): Promise<Record<string, string>> {
  const store = new AccountStore({ dir: world.storeDir });
  const ids: Record<string, string> = {};
  await store.update((data) => {
    for (const { accountId, alias } of accounts) {
      const tokens = world.sim.issueTokens(accountId);
      const account = accountFromGrant(
        { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, idToken: tokens.id_token, expiresIn: tokens.expires_in },
        { alias, origin: 'browser', now: Date.now() },
      );
      upsertAccount(data, account);
      ids[alias] = account.id;
    }
    edit?.(data);
  });
  await store.close();
  return ids;
}
