import { z } from 'zod';
import { ACCOUNT_STATES } from './render/account-state.js';

/*
 * The shapes `--json` prints. They are the contract for scripts: never a token, times in epoch ms.
 */

const WindowJsonSchema = z.object({
  usedPercent: z.number(),
  resetsAt: z.number().nullable(),
  observedAt: z.number().nullable(),
  source: z.string(),
});

/** A limit family's usage on one account (PROTOCOL.md §8): its own windows, and its 429 cooldown. */
export const FamilyJsonSchema = z.object({
  /** The limit id, e.g. `codex_bengalfox`. */
  id: z.string(),
  /** Its display name, e.g. `GPT-5.3-Codex-Spark`; null when not seen yet. */
  limitName: z.string().nullable(),
  fiveHour: WindowJsonSchema.nullable(),
  weekly: WindowJsonSchema.nullable(),
  /** A 30-day window of its own; absent or null when it has none. */
  monthly: WindowJsonSchema.nullable().optional(),
  /** Until when its models are out on this account after its 429; null when they are not. */
  outUntil: z.number().nullable(),
});
export type FamilyJson = z.infer<typeof FamilyJsonSchema>;

export const AccountJsonSchema = z.object({
  id: z.string(),
  alias: z.string(),
  email: z.string().nullable(),
  plan: z.string().nullable(),
  enabled: z.boolean(),
  pinned: z.boolean(),
  state: z.enum(ACCOUNT_STATES),
  /** Until when the state lasts (cooldown, deactivated workspace). */
  until: z.number().nullable(),
  reason: z.string().nullable(),
  /** What to do about it, when something is needed. */
  advice: z.string().nullable(),
  usage: z.object({
    fiveHour: WindowJsonSchema.nullable(),
    weekly: WindowJsonSchema.nullable(),
    /** The free plan's single 30-day window; absent or null for other plans. */
    monthly: WindowJsonSchema.nullable().optional(),
    /** Limit families of their own over some models, by id. */
    families: z.array(FamilyJsonSchema),
  }),
  /** The backend said it cannot serve (`allowed: false` / `limit_reached: true`), with its reason and until when. */
  limitReached: z.object({ reason: z.string().nullable(), until: z.number().nullable() }).nullable().optional(),
  credits: z.object({ hasCredits: z.boolean(), unlimited: z.boolean(), balance: z.string().nullable() }).nullable().optional(),
  /** The workspace's region (sent as `x-openai-internal-codex-residency`); null when unconstrained. */
  residency: z.string().nullable().optional(),
  fedramp: z.boolean().optional(),
  lastUsedAt: z.number().nullable(),
  /** The last thing that went wrong with the account (a refused reply, a timeout, a bad stream), tokens redacted. */
  lastError: z.object({ message: z.string(), at: z.number() }).nullable(),
  origin: z.string(),
});
export type AccountJson = z.infer<typeof AccountJsonSchema>;

export const StatusJsonSchema = z.object({
  storePath: z.string(),
  now: z.number(),
  pin: z.object({ accountId: z.string(), alias: z.string().nullable(), until: z.number().nullable() }).nullable(),
  accounts: z.array(AccountJsonSchema),
});
export type StatusJson = z.infer<typeof StatusJsonSchema>;

export const RefreshJsonSchema = z.object({
  results: z.array(
    z.object({
      id: z.string(),
      alias: z.string(),
      outcome: z.enum(['done', 'failed', 'cancelled', 'queued', 'running']),
      reason: z.string().nullable(),
    }),
  ),
});
const DOCTOR_LEVELS = ['ok', 'warn', 'fail'] as const;

export const DoctorJsonSchema = z.object({
  /** No check failed. */
  ok: z.boolean(),
  /** `ok` (every check passed), `warn` (some warned), `fail` (some failed). */
  verdict: z.enum(DOCTOR_LEVELS),
  checks: z.array(
    z.object({
      name: z.string(),
      level: z.enum(DOCTOR_LEVELS),
      message: z.string(),
      /** What to do; absent when the check passed. */
      fix: z.string().nullable(),
    }),
  ),
});
export type DoctorJson = z.infer<typeof DoctorJsonSchema>;

export const SignInJsonSchema = z.object({
  account: z.object({ id: z.string(), alias: z.string(), email: z.string().nullable(), plan: z.string().nullable() }),
  created: z.boolean(),
  openCodeRecord: z.string(),
});
