import type { AccountStore } from '../store/account-store.js';
import { findAccount, findAccountByAlias, renameAccount, upsertAccount } from '../store/mutations.js';
import type { Account } from '../store/schema.js';
import { accountFromGrant } from '../tokens/tokens-from-grant.js';
import type { Grant } from './grant.js';

export type SignInOrigin = 'browser' | 'device' | 'pasted';

export interface AddSignedInAccountOptions {
  /** The alias asked for. A new account without one gets one from its email. */
  alias?: string;
  origin: SignInOrigin;
  now: number;
}

export interface AddSignedInAccountResult {
  account: Account;
  /** False when the sign-in was for an account already in the store (its tokens were replaced). */
  created: boolean;
  /** Set when the alias asked for belongs to another account, so a different one was used. */
  aliasTakenBy?: string;
}

/**
 * Stores the account a sign-in produced. The same identity updates the stored account (new tokens,
 * "new sign-in needed" cleared, alias kept unless another was asked for); a new one is added.
 */
export async function addSignedInAccount(store: AccountStore, grant: Grant, options: AddSignedInAccountOptions): Promise<AddSignedInAccountResult> {
  const candidate = accountFromGrant(grant, { alias: options.alias, origin: options.origin, now: options.now });
  let created = false;
  let aliasTakenBy: string | undefined;
  const data = await store.update((draft) => {
    const existing = findAccount(draft, candidate.id);
    created = existing === undefined;
    aliasTakenBy = undefined;
    const holder = options.alias ? findAccountByAlias(draft, options.alias) : undefined;
    if (holder && holder.id !== candidate.id) aliasTakenBy = holder.id;
    upsertAccount(draft, candidate);
    const stored = findAccount(draft, candidate.id)!;
    // A sign-in is always newer than what is stored: make sure its tokens and health win even when clocks disagree.
    stored.tokens = { ...candidate.tokens };
    stored.origin = candidate.origin;
    delete stored.health.reloginRequired;
    if (options.alias && !aliasTakenBy && stored.alias !== options.alias) renameAccount(draft, stored.id, options.alias);
  });
  return { account: findAccount(data, candidate.id)!, created, aliasTakenBy };
}
