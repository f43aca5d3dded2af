import { z } from 'zod';

/** The version this build writes. A file with a higher version is refused, never overwritten. */
export const STORE_VERSION = 1;

/** The usage windows an account can have, each identified by its length (usage/windows.ts classifies them). */
export const WINDOW_KINDS = ['fiveHour', 'weekly', 'monthly'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const SNAPSHOT_SOURCES = ['usage-endpoint', 'response-headers', 'probe', 'codex-cli'] as const;
export type SnapshotSource = (typeof SNAPSHOT_SOURCES)[number];

/** One usage window as last observed. `usedPercent` is percent USED (0 = fresh, 100 = exhausted). */
export const WindowSnapshotSchema = z.object({
  usedPercent: z.number().min(0),
  windowMinutes: z.number().positive().optional(),
  /** When the window resets, epoch ms. */
  resetsAt: z.number().optional(),
  /** When this was observed, epoch ms. A snapshot without one counts as fresh. */
  observedAt: z.number().optional(),
  source: z.enum(SNAPSHOT_SOURCES),
});
export type WindowSnapshot = z.infer<typeof WindowSnapshotSchema>;

export const CreditsSchema = z.object({
  hasCredits: z.boolean().optional(),
  unlimited: z.boolean().optional(),
  balance: z.string().optional(),
  observedAt: z.number().optional(),
});
export type Credits = z.infer<typeof CreditsSchema>;

/** One limit family's windows (see src/usage/limit-families.ts). */
const FamilyUsageSchema = z.object({
  fiveHour: WindowSnapshotSchema.optional(),
  weekly: WindowSnapshotSchema.optional(),
  monthly: WindowSnapshotSchema.optional(),
  /** Its display name (`limit_name`, `x-<family>-limit-name`), e.g. `GPT-5.3-Codex-Spark`. */
  limitName: z.string().optional(),
});
/**
 * What the usage endpoint last said about the account as a whole: `allowed: false` or
 * `limit_reached: true` mean it cannot serve whatever its windows' percentages say (spend controls,
 * workspace caps; PROTOCOL.md §8). Kept when it says the account can serve again, so that a newer
 * "allowed" replaces an older "blocked".
 */
export const LimitFlagSchema = z.object({
  reached: z.boolean(),
  /** `rate_limit_reached_type.type`, when the backend gave one. */
  reason: z.string().optional(),
  /** The reset that lifts it, epoch ms, when known. */
  until: z.number().optional(),
  observedAt: z.number(),
});
export type LimitFlag = z.infer<typeof LimitFlagSchema>;

const UsageSchema = z.object({
  /** The account-wide limit's windows (`premium`). */
  fiveHour: WindowSnapshotSchema.optional(),
  weekly: WindowSnapshotSchema.optional(),
  /** The free plan's single 30-day window. */
  monthly: WindowSnapshotSchema.optional(),
  limit: LimitFlagSchema.optional(),
  credits: CreditsSchema.optional(),
  /**
   * Limit families, limits of their own over some models (`x-codex-active-limit`,
   * `x-<family>-*` headers, `additional_rate_limits`), keyed by limit id (`codex_bengalfox`).
   */
  additional: z.record(z.string(), FamilyUsageSchema).optional(),
});
export const TokensSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  idToken: z.string().optional(),
  /** Access token expiry, epoch ms. */
  expiresAt: z.number(),
  /** When this token set was obtained (sign-in or refresh), epoch ms. The newest rotation wins a merge. */
  obtainedAt: z.number(),
});
export type Tokens = z.infer<typeof TokensSchema>;

const ReloginRequiredSchema = z.object({
  reason: z.string(),
  at: z.number(),
});

const HealthSchema = z.object({
  /** The refresh token is dead; only a new sign-in brings the account back. */
  reloginRequired: ReloginRequiredSchema.optional(),
  /** No requests until then (quota, burst limit, challenge), epoch ms. Only ever extended. */
  cooldownUntil: z.number().optional(),
  cooldownReason: z.string().optional(),
  /** When the cause of the cooldown was observed, epoch ms; a later usage reading with headroom can then disprove a quota cooldown. */
  cooldownSetAt: z.number().optional(),
  workspaceDeactivatedUntil: z.number().optional(),
  /** Model id -> epoch ms until which the model is treated as unavailable on this account. */
  unsupportedModels: z.record(z.string(), z.number()).optional(),
  /** Limit family id -> until when that family's models are out on this account (its 429). Only ever extended. */
  familyCooldowns: z.record(z.string(), z.object({ until: z.number(), reason: z.string() })).optional(),
  lastError: z.object({ message: z.string(), at: z.number() }).optional(),
  /** When a probe request last ran for this account, epoch ms (probes spend quota, so they are rationed). */
  lastProbeAt: z.number().optional(),
});
const StatsSchema = z.object({
  requests: z.number().int().min(0).default(0),
  lastUsedAt: z.number().optional(),
  /** Requests served per UTC day (`YYYY-MM-DD`), the last few days only. */
  daily: z.record(z.string(), z.number().int().min(0)).optional(),
});
/** One model of an account's catalog: only what routing and OpenCode's model list use. */
export const CatalogModelSchema = z.object({
  slug: z.string().min(1),
  displayName: z.string().optional(),
  contextWindow: z.number().int().positive().optional(),
  /** `list` models are shown; `hide` ones are usable but not shown. */
  visibility: z.string(),
});
export type CatalogModel = z.infer<typeof CatalogModelSchema>;

export const ModelCatalogSchema = z.object({
  models: z.array(CatalogModelSchema),
  /** The reply's ETag, sent back as `If-None-Match`. */
  etag: z.string().optional(),
  /** When it was last confirmed (a 200 or a 304), epoch ms. */
  checkedAt: z.number(),
});
export type ModelCatalog = z.infer<typeof ModelCatalogSchema>;

export const AccountSchema = z.object({
  /** Stable identity: `<chatgpt account id>:<user id>` from the token claims. Never derived from a token. */
  id: z.string().min(1),
  alias: z.string().min(1),
  email: z.string().optional(),
  plan: z.string().optional(),
  chatgptAccountId: z.string().min(1),
  userId: z.string().optional(),
  enabled: z.boolean().default(true),
  addedAt: z.number(),
  /** Where the account came from: a sign-in here, or an import that still shares its refresh token. */
  origin: z.enum(['browser', 'device', 'pasted', 'import-codex', 'import-opencode', 'manual']).default('manual'),
  tokens: TokensSchema,
  health: HealthSchema.default({}),
  usage: UsageSchema.default({}),
  stats: StatsSchema.default({ requests: 0 }),
  /** The account's own model catalog (`GET /codex/models`), trimmed; absent until first read. */
  catalog: ModelCatalogSchema.optional(),
});
export type Account = z.infer<typeof AccountSchema>;

export const PinSchema = z.object({
  accountId: z.string(),
  /** Epoch ms; absent means until unpinned. */
  until: z.number().optional(),
});
export type Pin = z.infer<typeof PinSchema>;

export const StoreSchema = z.object({
  version: z.literal(STORE_VERSION),
  accounts: z.array(AccountSchema),
  pin: PinSchema.optional(),
  /**
   * Which account each recent OpenCode session was served by, so a session resumed in another
   * process (`opencode run --session`) stays on its account and keeps its prompt cache warm.
   */
  sessions: z.record(z.string(), z.object({ accountId: z.string(), at: z.number() })).default({}),
  /** Per Codex base URL, which usage route last answered (`codex` or `wham`). */
  usageRoute: z.record(z.string(), z.enum(['codex', 'wham'])).default({}),
  /**
   * Model slug -> the limit that its last reply named in `x-codex-active-limit` (a family id, or
   * `premium` for the account-wide limit). Families are the backend's, the same for every account.
   */
  modelFamilies: z.record(z.string(), z.string()).optional(),
});
export type StoreData = z.infer<typeof StoreSchema>;

export function emptyStore(): StoreData {
  return { version: STORE_VERSION, accounts: [], sessions: {}, usageRoute: {} };
}

export function accountIdentity(chatgptAccountId: string, userId: string | undefined): string {
  return userId ? `${chatgptAccountId}:${userId}` : chatgptAccountId;
}
