import { QUOTA_COOLDOWN_REASON } from './cooldown-reasons.js';
import type { WindowKind, Account, StoreData, Tokens, WindowSnapshot } from './schema.js';
import { requireAlias, sameAlias } from './alias.js';
import { AccountNotFoundError, AliasTakenError } from './errors.js';

/*
 * Merge-style changes to the store. Each one may be applied again to a newer copy of the file than
 * the one it was first applied to (see AccountStore.defer), so each states its intent ("at least
 * until", "only if newer") rather than overwriting, and does nothing if the account is gone.
 */

export function findAccount(data: StoreData, accountId: string): Account | undefined {
  return data.accounts.find((account) => account.id === accountId);
}

/** The account with this alias, ignoring case (aliases are unique ignoring case). */
export function findAccountByAlias(data: StoreData, alias: string): Account | undefined {
  const wanted = alias.trim();
  return data.accounts.find((account) => account.alias === wanted) ?? data.accounts.find((account) => sameAlias(account.alias, wanted));
}

/** An alias not used by any account other than `exceptId`: `base`, else `base-2`, `base-3`… */
export function uniqueAlias(data: StoreData, base: string, exceptId?: string): string {
  const taken = (alias: string) => data.accounts.some((account) => sameAlias(account.alias, alias) && account.id !== exceptId);
  let alias = base;
  for (let n = 2; taken(alias); n++) alias = `${base}-${n}`;
  return alias;
}

/**
 * Adds an account, or merges it into the one with the same identity: the newer token set wins (and a
 * newer sign-in clears "re-login required"); profile fields are refreshed; alias, enabled flag,
 * health, usage and stats of the stored account are kept.
 */
export function upsertAccount(data: StoreData, account: Account): void {
  const existing = findAccount(data, account.id);
  if (!existing) {
    data.accounts.push({ ...account, alias: uniqueAlias(data, account.alias, account.id) });
    return;
  }
  if (account.email) existing.email = account.email;
  if (account.plan) existing.plan = account.plan;
  if (account.userId) existing.userId = account.userId;
  if (account.tokens.obtainedAt > existing.tokens.obtainedAt) {
    existing.tokens = { ...account.tokens };
    existing.origin = account.origin;
    delete existing.health.reloginRequired;
  }
}

export function removeAccount(data: StoreData, accountId: string): void {
  data.accounts = data.accounts.filter((account) => account.id !== accountId);
  if (data.pin?.accountId === accountId) delete data.pin;
}

/**
 * Keeps the newer observation; a stored snapshot without `observedAt` counts as older than any dated one.
 * A quota cooldown that this observation disproves is cleared (see {@link quotaCooldownDisproved}).
 */
export function recordSnapshot(data: StoreData, accountId: string, kind: WindowKind, snapshot: WindowSnapshot): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const stored = account.usage[kind];
  if (stored?.observedAt !== undefined && (snapshot.observedAt === undefined || snapshot.observedAt <= stored.observedAt)) return;
  account.usage[kind] = { ...snapshot };
  if (quotaCooldownDisproved(account, snapshot)) clearCooldown(data, accountId);
}

/** Usage readings that cover the account's own limits (reply headers may carry another limit family's numbers). */
const AUTHORITATIVE_SOURCES: ReadonlySet<WindowSnapshot['source']> = new Set(['usage-endpoint', 'codex-cli']);

/**
 * Whether `snapshot` (already recorded on `account`) proves the account's quota cooldown wrong: the
 * cooldown is a quota one set at a known time, the snapshot is an authoritative reading taken after it
 * showing headroom, and no other window of the account still shows its limit reached. Pure.
 */
function quotaCooldownDisproved(account: Account, snapshot: WindowSnapshot): boolean {
  const { cooldownUntil, cooldownReason, cooldownSetAt } = account.health;
  const observedAt = snapshot.observedAt;
  if (cooldownUntil === undefined || cooldownReason !== QUOTA_COOLDOWN_REASON || cooldownSetAt === undefined || observedAt === undefined) return false;
  if (observedAt <= cooldownSetAt || observedAt >= cooldownUntil) return false;
  if (!AUTHORITATIVE_SOURCES.has(snapshot.source) || snapshot.usedPercent >= 100) return false;
  return Object.values({ fiveHour: account.usage.fiveHour, weekly: account.usage.weekly }).every(
    (window) => window === undefined || window.usedPercent < 100 || (window.resetsAt !== undefined && window.resetsAt <= observedAt),
  );
}

/**
 * Cooldowns only ever grow: a racing write with an earlier end never shortens one. `at` is when the
 * cause was observed; it lets a later usage reading prove a quota cooldown wrong.
 */
export function extendCooldown(data: StoreData, accountId: string, until: number, reason: string, at?: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.health.cooldownUntil !== undefined && account.health.cooldownUntil >= until) return;
  account.health.cooldownUntil = until;
  account.health.cooldownReason = reason;
  if (at === undefined) delete account.health.cooldownSetAt;
  else account.health.cooldownSetAt = at;
}

/** Ends a cooldown now (the user asked, or a usage reading disproved it). */
function clearCooldown(data: StoreData, accountId: string): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  delete account.health.cooldownUntil;
  delete account.health.cooldownReason;
  delete account.health.cooldownSetAt;
}

/** Everything that keeps an account out for a while: cooldown, deactivated workspace, unsupported models. */
export function clearTemporaryExclusions(data: StoreData, accountId: string): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  clearCooldown(data, accountId);
  delete account.health.workspaceDeactivatedUntil;
  delete account.health.unsupportedModels;
}

export function markReloginRequired(data: StoreData, accountId: string, reason: string, at: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  // A sign-in newer than the failure already fixed it.
  if (account.tokens.obtainedAt > at) return;
  account.health.reloginRequired = { reason, at };
}

/** Tokens go to the newest rotation: an older token set never replaces a newer one. */
export function adoptTokens(data: StoreData, accountId: string, tokens: Tokens): void {
  const account = findAccount(data, accountId);
  if (!account || tokens.obtainedAt <= account.tokens.obtainedAt) return;
  account.tokens = { ...tokens };
}

export function markWorkspaceDeactivated(data: StoreData, accountId: string, until: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.health.workspaceDeactivatedUntil !== undefined && account.health.workspaceDeactivatedUntil >= until) return;
  account.health.workspaceDeactivatedUntil = until;
}

export function markModelUnsupported(data: StoreData, accountId: string, model: string, until: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const models = (account.health.unsupportedModels ??= {});
  if ((models[model] ?? -Infinity) < until) models[model] = until;
}

const DAILY_DAYS_KEPT = 8;

/** Counts one served request. Not idempotent: each deferred mutation reaches the file exactly once. */
export function recordRequestServed(data: StoreData, accountId: string, at: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const stats = account.stats;
  stats.requests += 1;
  stats.lastUsedAt = Math.max(stats.lastUsedAt ?? 0, at);
  const day = new Date(at).toISOString().slice(0, 10);
  const daily = (stats.daily ??= {});
  daily[day] = (daily[day] ?? 0) + 1;
  const days = Object.keys(daily).sort();
  for (const old of days.slice(0, Math.max(0, days.length - DAILY_DAYS_KEPT))) delete daily[old];
}

/** Remembers the latest error; an older report never replaces a newer one. */
export function recordError(data: StoreData, accountId: string, message: string, at: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.health.lastError && account.health.lastError.at > at) return;
  account.health.lastError = { message, at };
}

export function recordProbe(data: StoreData, accountId: string, at: number): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  account.health.lastProbeAt = Math.max(account.health.lastProbeAt ?? 0, at);
}

export function setEnabled(data: StoreData, accountId: string, enabled: boolean): void {
  const account = findAccount(data, accountId);
  if (account) account.enabled = enabled;
}

/** Renames an account. Throws {@link AliasTakenError} if another account has the alias, {@link AccountNotFoundError} if the account is gone. */
export function renameAccount(data: StoreData, accountId: string, newAlias: string): void {
  const alias = requireAlias(newAlias);
  const account = findAccount(data, accountId);
  if (!account) throw new AccountNotFoundError(accountId);
  const holder = findAccountByAlias(data, alias);
  if (holder && holder.id !== accountId) throw new AliasTakenError(alias, holder.alias);
  account.alias = alias;
}

export function setPin(data: StoreData, pin: { accountId: string; until?: number } | undefined): void {
  if (pin === undefined) delete data.pin;
  else data.pin = { ...pin };
}

export function setUsageRoute(data: StoreData, baseUrl: string, route: 'codex' | 'wham'): void {
  data.usageRoute[baseUrl] = route;
}

/** How many sessions the store remembers; the least recently served are forgotten first. */
const REMEMBERED_SESSIONS = 500;

/** Records which account served a session; keeps the newest assignment and a bounded list. */
export function rememberSession(data: StoreData, sessionId: string, accountId: string, at: number): void {
  const known = data.sessions[sessionId];
  if (known && known.at > at) return;
  data.sessions[sessionId] = { accountId, at };
  const ids = Object.keys(data.sessions);
  if (ids.length <= REMEMBERED_SESSIONS) return;
  ids.sort((a, b) => data.sessions[a]!.at - data.sessions[b]!.at);
  for (const id of ids.slice(0, ids.length - REMEMBERED_SESSIONS)) delete data.sessions[id];
}
