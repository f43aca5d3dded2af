import { WINDOW_KINDS, type Account, type LimitFlag, type WindowSnapshot, type WindowKind } from '../store/schema.js';
import type { ModelFamily } from '../usage/limit-families.js';
import { isSnapshotStale } from '../usage/staleness.js';

/** Why an account cannot serve a request right now. An account with none is eligible. */
export type Exclusion =
  | { kind: 'disabled' }
  | { kind: 'relogin-required'; reason: string; since: number }
  | { kind: 'workspace-deactivated'; until: number }
  | { kind: 'cooldown'; until: number; reason: string }
  | { kind: 'model-unsupported'; model: string; until: number }
  | { kind: 'usage-limit'; window: WindowKind; usedPercent: number; resetsAt?: number }
  /** The usage endpoint said `allowed: false` / `limit_reached: true`, whatever the percentages. */
  | { kind: 'limit-reached'; reason?: string; until?: number }
  /** The request's model is under a limit family that is out on this account (its 429, or its usage). */
  | { kind: 'family-limit'; family: ModelFamily; until?: number; window?: WindowKind; usedPercent?: number }
  /** The account's model catalog does not have the request's model. */
  | { kind: 'model-not-in-catalog'; model: string }
  | { kind: 'already-tried' }
  | { kind: 'not-pinned'; pinnedAlias: string };

export interface EligibilityContext {
  now: number;
  /** The model of the request; unsupported-model marks only apply to it. */
  model?: string;
  /** The limit family the model is under (see src/usage/limit-families.ts); undefined: the account-wide limit only. */
  family?: ModelFamily;
  /** A window at or above this percent used pauses the account. */
  pauseAtPercent: number;
  /** A snapshot observed longer ago than this no longer pauses the account. */
  snapshotStaleAfterMs: number;
  /** An account with credits stays eligible past its usage limits (OPENCODE_MULTI_AUTH_USE_CREDITS). Default false. */
  useCredits?: boolean;
}

/** Whether this account may work past its limits on credits: only when the user said so. */
function spendsCredits(account: Account, context: EligibilityContext): boolean {
  if (!context.useCredits) return false;
  const credits = account.usage.credits;
  return credits?.unlimited === true || credits?.hasCredits === true;
}

/** The usage endpoint's block, while it is current: until its reset, and no longer than a snapshot stays believed. */
function activeLimitFlag(account: Account, context: EligibilityContext): LimitFlag | undefined {
  const flag = account.usage.limit;
  if (!flag?.reached) return undefined;
  if (flag.until !== undefined && flag.until <= context.now) return undefined;
  // Like a stale snapshot: a blocked account gets no traffic, so the flag is re-checked rather than trusted for days.
  return context.now - flag.observedAt > context.snapshotStaleAfterMs ? undefined : flag;
}

type Check = (account: Account, context: EligibilityContext) => Exclusion | undefined;

/** The binding usage window: of those at or over the threshold, the one that resets last. */
const usageCheck: Check = (account, context) => {
  if (spendsCredits(account, context)) return undefined;
  let binding: Exclusion | undefined;
  for (const window of WINDOW_KINDS) {
    const snapshot = account.usage[window];
    if (!snapshot || snapshot.usedPercent < context.pauseAtPercent) continue;
    // A stale snapshot (too old, or its window already reset) no longer pauses: a paused account gets no
    // traffic, so its snapshot would otherwise never be corrected.
    if (isSnapshotStale(snapshot, context.now, context.snapshotStaleAfterMs)) continue;
    const resetsAt = snapshot.resetsAt;
    if (binding?.kind === 'usage-limit' && (binding.resetsAt === undefined || (resetsAt !== undefined && resetsAt <= binding.resetsAt))) {
      continue;
    }
    binding = { kind: 'usage-limit', window, usedPercent: snapshot.usedPercent, resetsAt };
  }
  return binding;
};

/**
 * The model's family out on this account: a 429 cooldown first, else the binding family window.
 * Credits (USE_CREDITS) do not lift it: they are reported for the account-wide limit only, and a
 * family's 429 is the backend refusing that family whatever the account holds.
 */
const familyCheck: Check = (account, context) => {
  const { family, now } = context;
  if (!family) return undefined;
  const cooldown = account.health.familyCooldowns?.[family.id];
  if (cooldown && cooldown.until > now) return { kind: 'family-limit', family, until: cooldown.until };
  const windows = account.usage.additional?.[family.id];
  if (!windows) return undefined;
  let binding: Extract<Exclusion, { kind: 'family-limit' }> | undefined;
  for (const window of WINDOW_KINDS) {
    const snapshot = windows[window];
    if (!windowPauses(snapshot, context)) continue;
    if (binding && (binding.until === undefined || (snapshot!.resetsAt !== undefined && snapshot!.resetsAt <= binding.until))) continue;
    binding = { kind: 'family-limit', family, window, usedPercent: snapshot!.usedPercent, until: snapshot!.resetsAt };
  }
  return binding;
};

/** An account whose catalog has been read offers exactly the models in it (hidden ones too). */
function lacksModel(account: Account, model: string | undefined): boolean {
  if (model === undefined || !account.catalog) return false;
  return !account.catalog.models.some((entry) => entry.slug === model);
}

/** Most fundamental first: what needs a person, then what passes with time. */
const CHECKS: readonly Check[] = [
  (account) => (account.enabled ? undefined : { kind: 'disabled' }),
  ({ health }) => (health.reloginRequired ? { kind: 'relogin-required', reason: health.reloginRequired.reason, since: health.reloginRequired.at } : undefined),
  ({ health }, { now }) =>
    health.workspaceDeactivatedUntil !== undefined && health.workspaceDeactivatedUntil > now
      ? { kind: 'workspace-deactivated', until: health.workspaceDeactivatedUntil }
      : undefined,
  ({ health }, { now }) =>
    health.cooldownUntil !== undefined && health.cooldownUntil > now
      ? { kind: 'cooldown', until: health.cooldownUntil, reason: health.cooldownReason ?? 'cooling down' }
      : undefined,
  (account, { model }) => (lacksModel(account, model) ? { kind: 'model-not-in-catalog', model: model! } : undefined),
  ({ health }, { now, model }) => {
    if (model === undefined || !health.unsupportedModels) return undefined;
    const until = health.unsupportedModels[model];
    return until !== undefined && until > now ? { kind: 'model-unsupported', model, until } : undefined;
  },
  usageCheck,
  (account, context) => {
    if (spendsCredits(account, context)) return undefined;
    const flag = activeLimitFlag(account, context);
    return flag
      ? { kind: 'limit-reached', ...(flag.reason ? { reason: flag.reason } : {}), ...(flag.until !== undefined ? { until: flag.until } : {}) }
      : undefined;
  },
  familyCheck,
];

function windowPauses(snapshot: WindowSnapshot | undefined, context: EligibilityContext): boolean {
  return snapshot !== undefined && snapshot.usedPercent >= context.pauseAtPercent && !isSnapshotStale(snapshot, context.now, context.snapshotStaleAfterMs);
}

/**
 * True when the account can serve now. The same rules as {@link exclusionsOf}, written out
 * without allocating: this runs for every account on every request (a table test holds the two
 * to the same answers).
 */
export function isEligible(account: Account, context: EligibilityContext): boolean {
  const { health } = account;
  const { now } = context;
  if (!account.enabled || health.reloginRequired) return false;
  if (health.workspaceDeactivatedUntil !== undefined && health.workspaceDeactivatedUntil > now) return false;
  if (health.cooldownUntil !== undefined && health.cooldownUntil > now) return false;
  if (context.model !== undefined && health.unsupportedModels) {
    const until = health.unsupportedModels[context.model];
    if (until !== undefined && until > now) return false;
  }
  if (lacksModel(account, context.model)) return false;
  const { usage } = account;
  if (!spendsCredits(account, context)) {
    if (windowPauses(usage.fiveHour, context) || windowPauses(usage.weekly, context) || windowPauses(usage.monthly, context)) return false;
    if (usage.limit?.reached === true && activeLimitFlag(account, context) !== undefined) return false;
  }
  if (!context.family) return true;
  const cooldown = health.familyCooldowns?.[context.family.id];
  if (cooldown && cooldown.until > now) return false;
  const windows = usage.additional?.[context.family.id];
  return !windows || (!windowPauses(windows.fiveHour, context) && !windowPauses(windows.weekly, context) && !windowPauses(windows.monthly, context));
}

/** Every reason the account cannot serve now, most fundamental first. */
export function exclusionsOf(account: Account, context: EligibilityContext): Exclusion[] {
  const exclusions: Exclusion[] = [];
  for (const check of CHECKS) {
    const exclusion = check(account, context);
    if (exclusion) exclusions.push(exclusion);
  }
  return exclusions;
}

/**
 * When the account could serve again if nothing else changes, epoch ms; `undefined` when that
 * needs a person (disabled, new sign-in) or is unknown.
 */
export function availableAgainAt(exclusions: readonly Exclusion[]): number | undefined {
  let latest: number | undefined;
  for (const exclusion of exclusions) {
    switch (exclusion.kind) {
      case 'cooldown':
      case 'workspace-deactivated':
      case 'model-unsupported':
        latest = Math.max(latest ?? 0, exclusion.until);
        break;
      case 'usage-limit':
        if (exclusion.resetsAt === undefined) return undefined;
        latest = Math.max(latest ?? 0, exclusion.resetsAt);
        break;
      case 'limit-reached':
      case 'family-limit':
        if (exclusion.until === undefined) return undefined;
        latest = Math.max(latest ?? 0, exclusion.until);
        break;
      case 'already-tried':
        break;
      default:
        return undefined;
    }
  }
  return latest;
}
