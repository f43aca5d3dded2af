import { z } from 'zod';
import { ACCOUNT_STATES } from './render/account-state.js';

/*
 * The shapes `--json` prints. They are the contract for scripts: never a token, times in epoch ms.
 */

export const WindowJsonSchema = z.object({
  usedPercent: z.number(),
  resetsAt: z.number().nullable(),
  observedAt: z.number().nullable(),
  source: z.string(),
});

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
  usage: z.object({ fiveHour: WindowJsonSchema.nullable(), weekly: WindowJsonSchema.nullable() }),
  lastUsedAt: z.number().nullable(),
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
export type RefreshJson = z.infer<typeof RefreshJsonSchema>;

export const DOCTOR_LEVELS = ['ok', 'warn', 'fail'] as const;

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
