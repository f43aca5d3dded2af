import type { Account, StoreData } from '../store/schema.js';

/*
 * Limit families (PROTOCOL.md §8): limits of their own over some models, e.g. `codex_bengalfox`
 * ("GPT-5.3-Codex-Spark") over `gpt-5.3-codex-spark`. The account-wide limit is `premium` in
 * `x-codex-active-limit` (`codex` in the codex CLI's own naming); any other value names a family.
 *
 * Which models belong to which family, in this order:
 *  1. what the backend said: the last reply to a request for the model named its limit in
 *     `x-codex-active-limit` (kept in the store's `modelFamilies`, shared by every account);
 *  2. the family's display name: a `limit_name` that, lowercased with spaces as dashes, is the
 *     model's slug ("GPT-5.3-Codex-Spark" covers `gpt-5.3-codex-spark`).
 * A model neither rule places is under the account-wide limit only.
 */

/** `x-codex-active-limit` values (normalized) that mean the account-wide limit, not a family. */
const ACCOUNT_WIDE_LIMITS: ReadonlySet<string> = new Set(['premium', 'codex']);

/** What `modelFamilies` stores for a model whose reply named the account-wide limit. */
export const ACCOUNT_WIDE_LIMIT = 'premium';

/** A limit id as the codex CLI normalizes it: trimmed, lowercase, `-` as `_` (`codex-bengalfox` → `codex_bengalfox`). */
export function normalizeLimitId(name: string): string {
  return name.trim().toLowerCase().replace(/-/g, '_');
}

/** Whether a (normalized) limit id is the account-wide limit. */
function isAccountWideLimit(limitId: string): boolean {
  return ACCOUNT_WIDE_LIMITS.has(limitId);
}

/** The family an `x-codex-active-limit` value names, or undefined for the account-wide limit or no value. */
export function activeFamily(headerValue: string | null | undefined): string | undefined {
  if (!headerValue) return undefined;
  const id = normalizeLimitId(headerValue);
  return id === '' || isAccountWideLimit(id) ? undefined : id;
}

/** "GPT-5.3-Codex-Spark" → "gpt-5.3-codex-spark". */
export function slugOfLimitName(limitName: string): string {
  return limitName.trim().toLowerCase().replace(/\s+/g, '-');
}

export interface ModelFamily {
  id: string;
  /** Its display name, when some account has seen one. */
  limitName?: string;
}

/** A family's display name, as seen on any account. */
function familyLimitName(data: StoreData, familyId: string): string | undefined {
  for (const account of data.accounts) {
    const name = account.usage.additional?.[familyId]?.limitName;
    if (name) return name;
  }
  return undefined;
}

/** The family whose limit covers `model` (see the rules above), or undefined when only the account-wide limit does. */
export function familyOfModel(data: StoreData, model: string | undefined): ModelFamily | undefined {
  if (model === undefined) return undefined;
  const learned = data.modelFamilies?.[model];
  if (learned !== undefined) {
    if (isAccountWideLimit(learned)) return undefined;
    const limitName = familyLimitName(data, learned);
    return limitName === undefined ? { id: learned } : { id: learned, limitName };
  }
  // Runs on every request for a model no reply has placed yet: no allocation, cheapest test first.
  for (const account of data.accounts) {
    const families = account.usage.additional;
    if (!families) continue;
    for (const id in families) {
      const limitName = families[id]!.limitName;
      if (limitName !== undefined && limitName.length === model.length && slugOfLimitName(limitName) === model) return { id, limitName };
    }
  }
  return undefined;
}

/** How a family is named to a person: its display name, else its id. */
export function familyLabel(family: ModelFamily): string {
  return family.limitName ?? family.id;
}

/** One of an account's limit families as the store holds it: its usage windows and its 429 cooldown, if any. */
export interface AccountFamily {
  id: string;
  usage: NonNullable<Account['usage']['additional']>[string] | undefined;
  cooldown: NonNullable<Account['health']['familyCooldowns']>[string] | undefined;
}

/** Every family the account has usage or a cooldown for, sorted by id (what status and the dashboard list). */
export function accountFamilies(account: Account): AccountFamily[] {
  const ids = new Set([...Object.keys(account.usage.additional ?? {}), ...Object.keys(account.health.familyCooldowns ?? {})]);
  return [...ids].sort().map((id) => ({ id, usage: account.usage.additional?.[id], cooldown: account.health.familyCooldowns?.[id] }));
}
