import type { AccountStore } from '../store/account-store.js';
import { findAccount, renameAccount, upsertAccount } from '../store/mutations.js';
import type { Account } from '../store/schema.js';

export interface ImportResult {
  /** The account as stored after the import. */
  account: Account;
  /** False when the identity was already in the store and was updated instead. */
  created: boolean;
  /** Tell the user: the other tool still holds this refresh token and will spend it. */
  warning: string;
}

/** Pure: the warning every import carries, because two owners of one single-use refresh token will collide. */
export function sharedTokenWarning(tool: string, filePath: string, alias: string): string {
  return (
    `Warning: ${tool} still holds the refresh token now also stored for "${alias}" (${filePath}). ` +
    `Refresh tokens are single-use: whichever tool refreshes first spends it, and the other will then need a new sign-in. ` +
    `For an account only this plugin uses, sign in with "opencode-multi-auth login" instead.`
  );
}

/**
 * Adds the account, or updates the one with the same identity (newer tokens win; an explicit alias
 * renames it). One durable write under the store lock.
 */
export async function storeImportedAccount(
  store: AccountStore,
  account: Account,
  options: { alias?: string },
): Promise<{ account: Account; created: boolean }> {
  let created = false;
  const data = await store.update((store) => {
    created = !findAccount(store, account.id);
    upsertAccount(store, account);
    if (!created && options.alias !== undefined) renameAccount(store, account.id, options.alias);
  });
  const stored = findAccount(data, account.id);
  return { account: structuredClone(stored ?? account), created };
}
