import { AccountStore } from '../store/account-store.js';
import { findAccount, findAccountByAlias } from '../store/mutations.js';
import type { Account, StoreData } from '../store/schema.js';
import type { CliContext } from './context.js';
import { CommandFailedError } from './errors.js';

/**
 * Opens the store in config.storeDir, runs `use`, and always closes it (flushing what was deferred).
 * Reading writes nothing (the store's side copies are made by its next write), so a command that
 * only reads leaves the store folder as it found it.
 */
export async function withStore<T>(context: CliContext, use: (store: AccountStore, data: StoreData) => Promise<T>): Promise<T> {
  const store = new AccountStore({ dir: context.config.storeDir, clock: context.clock });
  try {
    const data = await store.load();
    return await use(store, data);
  } finally {
    await store.close().catch(() => undefined);
  }
}

/** The account named by alias (or id). Throws a message listing the aliases there are. */
export function resolveAccount(data: StoreData, name: string): Account {
  const account = findAccountByAlias(data, name) ?? findAccount(data, name);
  if (account) return account;
  const known = data.accounts.map((candidate) => candidate.alias);
  throw new CommandFailedError(
    known.length === 0
      ? `No account "${name}": the store has no accounts. Add one with \`opencode-multi-auth login\`.`
      : `No account "${name}". Accounts: ${known.join(', ')}.`,
  );
}
