import type { AccountStore } from '../store/account-store.js';
import { findAccount, findAccountByAlias, upsertAccount } from '../store/mutations.js';
import type { Account } from '../store/schema.js';
import { accountFromGrant } from '../tokens/tokens-from-grant.js';
import type { Grant } from './grant.js';

export type SignInOrigin = 'browser' | 'device' | 'pasted';

export interface AddSignedInAccountOptions {
  /** The alias asked for (already checked by the alias rule). A new account without one gets one from its email. */
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
  /**
   * Set when the sign-in was for an account already stored under another alias than the one asked for:
   * the stored alias is kept (an account is never renamed as a side effect); `rename` does that.
   */
  aliasKept?: { asked: string };
}

/** The hint that goes with {@link AddSignedInAccountResult.aliasKept}. Pure. */
export function aliasKeptNote(result: AddSignedInAccountResult): string | undefined {
  if (!result.aliasKept) return undefined;
  return (
    `This sign-in is for the account already stored as "${result.account.alias}"; it keeps that alias. ` +
    `To call it "${result.aliasKept.asked}", run \`opencode-multi-auth rename ${result.account.alias} ${result.aliasKept.asked}\`.`
  );
}

/**
 * Stores the account a sign-in produced. The same identity updates the stored account (new tokens,
 * "new sign-in needed" cleared, alias kept); a new one is added under the alias asked for (or a free
 * variant of it when another account has it).
 */
export async function addSignedInAccount(store: AccountStore, grant: Grant, options: AddSignedInAccountOptions): Promise<AddSignedInAccountResult> {
  const candidate = accountFromGrant(grant, { alias: options.alias, origin: options.origin, now: options.now });
  let created = false;
  let aliasTakenBy: string | undefined;
  let aliasKept: { asked: string } | undefined;
  const data = await store.update((draft) => {
    const existing = findAccount(draft, candidate.id);
    created = existing === undefined;
    aliasTakenBy = undefined;
    aliasKept = undefined;
    const holder = options.alias ? findAccountByAlias(draft, options.alias) : undefined;
    if (holder && holder.id !== candidate.id) aliasTakenBy = holder.alias;
    else if (existing && options.alias && existing.alias !== options.alias) aliasKept = { asked: options.alias };
    upsertAccount(draft, candidate);
    const stored = findAccount(draft, candidate.id)!;
    // A sign-in is always newer than what is stored: make sure its tokens and health win even when clocks disagree.
    stored.tokens = { ...candidate.tokens };
    stored.origin = candidate.origin;
    delete stored.health.reloginRequired;
  });
  return { account: findAccount(data, candidate.id)!, created, aliasTakenBy, aliasKept };
}
