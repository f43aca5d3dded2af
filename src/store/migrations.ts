import { z } from 'zod';
import { readIdentity } from './jwt-claims.js';
import { STORE_VERSION, accountIdentity } from './schema.js';

/** Why a file's contents cannot be brought to the current version. */
export type MigrationOutcome = { ok: true; value: unknown; fromVersion: number | 'unversioned' } | { ok: false; problem: string };

const VersionedSchema = z.looseObject({ version: z.number() });

const str = z.string().min(1).optional().catch(undefined);
const num = z.number().optional().catch(undefined);

/** Field names earlier releases (and hand-written files) used for one account, flat or under `tokens`. */
const LegacyAccountSchema = z.looseObject({
  id: str,
  alias: str,
  name: str,
  email: str,
  plan: str,
  accountId: str,
  chatgptAccountId: str,
  userId: str,
  enabled: z.boolean().optional().catch(undefined),
  addedAt: num,
  accessToken: str,
  access_token: str,
  access: str,
  refreshToken: str,
  refresh_token: str,
  refresh: str,
  idToken: str,
  id_token: str,
  expiresAt: num,
  expires: num,
  lastRefresh: num,
  tokens: z.looseObject({}).optional().catch(undefined),
});

/**
 * Brings one account of an older, unversioned file to the v1 shape. Only fields it can be sure of are
 * carried over; the schema then decides. The identity comes from the stored ids or the token claims,
 * never from the refresh token.
 */
function migrateLegacyAccount(raw: unknown, index: number, now: number): unknown {
  const parsed = LegacyAccountSchema.safeParse(raw);
  if (!parsed.success) return raw;
  const old = parsed.data;
  const nested = LegacyAccountSchema.safeParse(old.tokens ?? {});
  const t = nested.success ? nested.data : {};
  const accessToken = t.accessToken ?? t.access_token ?? t.access ?? old.accessToken ?? old.access_token ?? old.access;
  const refreshToken = t.refreshToken ?? t.refresh_token ?? t.refresh ?? old.refreshToken ?? old.refresh_token ?? old.refresh;
  const idToken = t.idToken ?? t.id_token ?? old.idToken ?? old.id_token;
  const claims = readIdentity({ idToken, accessToken });
  const chatgptAccountId = old.chatgptAccountId ?? old.accountId ?? claims.chatgptAccountId;
  const userId = old.userId ?? claims.userId;
  const expiresAt = t.expiresAt ?? t.expires ?? old.expiresAt ?? old.expires ?? claims.expiresAt ?? 0;
  const obtainedAt = t.obtainedAt ?? old.lastRefresh ?? 0;
  return {
    id: chatgptAccountId ? accountIdentity(chatgptAccountId, userId) : old.id,
    alias: old.alias ?? old.name ?? old.email?.split('@')[0] ?? `account-${index + 1}`,
    email: old.email ?? claims.email,
    plan: old.plan ?? claims.plan,
    chatgptAccountId,
    userId,
    enabled: old.enabled ?? true,
    addedAt: old.addedAt ?? now,
    origin: 'manual',
    tokens: { accessToken, refreshToken, idToken, expiresAt, obtainedAt: typeof obtainedAt === 'number' ? obtainedAt : 0 },
  };
}

/** Aliases must be unique; an old file may not have cared. Later duplicates get `-2`, `-3`. */
function dedupeAliases(accounts: unknown[]): unknown[] {
  const seen = new Set<string>();
  return accounts.map((account) => {
    if (!account || typeof account !== 'object' || typeof (account as { alias?: unknown }).alias !== 'string') return account;
    const base = (account as { alias: string }).alias;
    let alias = base;
    for (let n = 2; seen.has(alias); n++) alias = `${base}-${n}`;
    seen.add(alias);
    return { ...account, alias };
  });
}

/**
 * Maps whatever JSON the file held to the shape of the current version, or says why it cannot.
 * Pure: the caller validates the result with `StoreSchema`.
 *
 * Accepted: the current version as is; a bare array of accounts; `{ accounts }` without a version;
 * `{ version: 0, accounts }`. Refused: a version newer than this build (it may hold fields we would drop).
 */
export function migrateStore(raw: unknown, now: number): MigrationOutcome {
  if (Array.isArray(raw)) {
    return { ok: true, fromVersion: 'unversioned', value: legacyStore(raw, now) };
  }
  if (!raw || typeof raw !== 'object') {
    return { ok: false, problem: `expected a JSON object with "version" and "accounts", found ${raw === null ? 'null' : typeof raw}` };
  }
  const versioned = VersionedSchema.safeParse(raw);
  if (versioned.success) {
    const version = versioned.data.version;
    if (version > STORE_VERSION) {
      return {
        ok: false,
        problem: `it was written by a newer release (store version ${version}; this build reads up to version ${STORE_VERSION}). Upgrade opencode-multi-auth-codex`,
      };
    }
    if (version === STORE_VERSION) return { ok: true, fromVersion: version, value: raw };
    const accounts = (raw as { accounts?: unknown }).accounts;
    if (!Array.isArray(accounts)) return { ok: false, problem: `store version ${version} without an "accounts" list` };
    return { ok: true, fromVersion: version, value: legacyStore(accounts, now) };
  }
  if ('version' in raw) {
    return { ok: false, problem: `"version" is not a number` };
  }
  const accounts = (raw as { accounts?: unknown }).accounts;
  if (Array.isArray(accounts)) return { ok: true, fromVersion: 'unversioned', value: legacyStore(accounts, now) };
  return { ok: false, problem: 'expected "version" and "accounts", found neither' };
}

function legacyStore(accounts: unknown[], now: number): unknown {
  return {
    version: STORE_VERSION,
    accounts: dedupeAliases(accounts.map((account, index) => migrateLegacyAccount(account, index, now))),
    sessions: {},
    usageRoute: {},
  };
}
