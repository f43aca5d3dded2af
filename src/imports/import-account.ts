import type { AccountStore } from '../store/account-store.js';
import { findAccount, findAccountByAlias, upsertAccount } from '../store/mutations.js';
import type { Account, StoreData } from '../store/schema.js';
import { decodeJwtPayload } from '../store/jwt-claims.js';
import { OlderTokensError } from './errors.js';

export interface ImportResult {
  /** The account as stored after the import. */
  account: Account;
  /** False when the identity was already in the store and was updated instead. */
  created: boolean;
  /** What happened to the stored tokens. */
  tokens: TokenDecision;
  /** Set when the alias asked for belongs to another account, so a different one was used. */
  aliasTakenBy?: string;
  /** Set when the account was already stored under another alias: it keeps it (never renamed as a side effect). */
  aliasKept?: { asked: string };
  /** Tell the user: the other tool still holds this refresh token and will spend it. */
  warning: string;
}

/** Pure: the warning every import carries, because two owners of one single-use refresh token will collide. */
export function sharedTokenWarning(tool: string, filePath: string, alias: string): string {
  return (
    `Warning: ${tool} still holds the refresh token now also stored for "${alias}" (${filePath}). ` +
    `Refresh tokens are single-use: whichever tool refreshes first spends it, and the other will then need a new sign-in. ` +
    `For an account only this plugin uses, sign in with \`opencode-multi-auth login ${alias}\` instead.`
  );
}

/** When a token set was issued: the access token's `iat` claim, else `fallback` (epoch ms). Pure. */
export function tokenIssuedAt(accessToken: string, fallback: number): number {
  const iat = decodeJwtPayload(accessToken)?.iat;
  return typeof iat === 'number' && Number.isFinite(iat) ? Math.min(iat * 1_000, fallback) : fallback;
}

/**
 * `new` (no such account), `same` (the store already has these tokens), `newer` (replace), `older`
 * (the stored tokens were issued later: the imported ones have most likely been spent already). Pure.
 */
export type TokenDecision = 'new' | 'same' | 'newer' | 'older';

function decideTokens(stored: Account | undefined, incoming: Account): TokenDecision {
  if (!stored) return 'new';
  if (stored.tokens.refreshToken === incoming.tokens.refreshToken) return 'same';
  return incoming.tokens.obtainedAt > stored.tokens.obtainedAt ? 'newer' : 'older';
}

/** Applies an import to `data` (the store's merge rules); `force` lets older tokens replace newer ones. Pure. */
function applyImport(data: StoreData, account: Account, options: { alias?: string; force?: boolean }): Omit<ImportResult, 'warning' | 'account'> {
  const existing = findAccount(data, account.id);
  const decision = decideTokens(existing, account);
  if (decision === 'older' && !options.force) throw new OlderTokensError(existing!.alias, account.tokens.obtainedAt, existing!.tokens.obtainedAt);
  const holder = options.alias ? findAccountByAlias(data, options.alias) : undefined;
  const aliasTakenBy = holder && holder.id !== account.id ? holder.alias : undefined;
  const aliasKept = existing && options.alias && !aliasTakenBy && existing.alias !== options.alias ? { asked: options.alias } : undefined;
  upsertAccount(data, account);
  if (decision === 'older') {
    const stored = findAccount(data, account.id)!;
    stored.tokens = { ...account.tokens, obtainedAt: stored.tokens.obtainedAt + 1 };
    stored.origin = account.origin;
    delete stored.health.reloginRequired;
  }
  return { created: existing === undefined, tokens: decision, aliasTakenBy, aliasKept };
}

/**
 * Adds the account, or updates the one with the same identity: newer tokens win, older ones are refused
 * ({@link OlderTokensError}) unless `force`; the stored alias is kept. One durable write under the store lock,
 * and none when the import is refused.
 */
export async function storeImportedAccount(
  store: AccountStore,
  account: Account,
  options: { alias?: string; force?: boolean },
): Promise<Omit<ImportResult, 'warning'>> {
  // Refuse before taking the lock, so a refused import writes nothing; checked again under the lock.
  applyImport(structuredClone(await store.reload()), account, options);
  let outcome: Omit<ImportResult, 'warning' | 'account'> | undefined;
  const data = await store.update((draft) => {
    outcome = applyImport(draft, account, options);
  });
  const stored = findAccount(data, account.id);
  return { ...outcome!, account: structuredClone(stored ?? account) };
}
