import type { Credits, LimitFlag } from '../store/schema.js';
import { normalizeLimitId } from './limit-families.js';
import { placeWindow, windowFromParts, type FamilyWindows, type UsageObservation, type WindowPair } from './rate-limit-headers.js';
import type { CreditsReply, RateLimitReply, UsageReply, UsageWindowReply } from './usage-response.js';

const orUndefined = (value: number | null | undefined): number | undefined => (value == null ? undefined : value);

function placeReplyWindow(pair: WindowPair, window: UsageWindowReply | null | undefined, observedAt: number): void {
  if (!window) return;
  const seconds = orUndefined(window.limit_window_seconds);
  placeWindow(
    pair,
    windowFromParts(
      {
        usedPercent: orUndefined(window.used_percent),
        windowMinutes: seconds === undefined ? undefined : seconds / 60,
        resetAtSeconds: orUndefined(window.reset_at),
        resetAfterSeconds: orUndefined(window.reset_after_seconds),
      },
      observedAt,
      'usage-endpoint',
    ),
  );
}

function pairFromRateLimit(rateLimit: RateLimitReply | null | undefined, observedAt: number): WindowPair {
  const pair: WindowPair = {};
  if (!rateLimit) return pair;
  placeReplyWindow(pair, rateLimit.primary_window, observedAt);
  placeReplyWindow(pair, rateLimit.secondary_window, observedAt);
  return pair;
}

function creditsFromReply(reply: CreditsReply | null | undefined, observedAt: number): Credits | undefined {
  if (!reply) return undefined;
  const credits: Credits = { observedAt };
  if (reply.has_credits != null) credits.hasCredits = reply.has_credits;
  if (reply.unlimited != null) credits.unlimited = reply.unlimited;
  if (reply.balance != null && String(reply.balance).trim() !== '') credits.balance = String(reply.balance);
  return Object.keys(credits).length > 1 ? credits : undefined;
}

/**
 * `allowed: false` or `limit_reached: true`: the account cannot serve now, whatever its percentages
 * say (PROTOCOL.md §8, "Usage flags"). It is lifted by the reset of the exhausted window that frees
 * up last; when no window is exhausted (a spend control), by the latest reset the reply names, so a
 * later refresh re-checks it. Absent when the reply carries neither flag.
 */
export function limitFlagFromReply(reply: UsageReply, pair: WindowPair, observedAt: number): LimitFlag | undefined {
  const rateLimit = reply.rate_limit;
  if (!rateLimit || (rateLimit.allowed == null && rateLimit.limit_reached == null)) return undefined;
  const reached = rateLimit.allowed === false || rateLimit.limit_reached === true;
  if (!reached) return { reached: false, observedAt };
  const windows = [pair.fiveHour, pair.weekly, pair.monthly].filter((window) => window !== undefined);
  const exhausted = windows.filter((window) => window.usedPercent >= 100);
  const resets = (exhausted.length > 0 ? exhausted : windows)
    .map((window) => window.resetsAt)
    .filter((at): at is number => at !== undefined && at > observedAt);
  const flag: LimitFlag = { reached: true, observedAt };
  const reason = reply.rate_limit_reached_type?.type;
  if (reason) flag.reason = reason;
  if (resets.length > 0) flag.until = Math.max(...resets);
  return flag;
}

/**
 * Turns a usage-endpoint reply into snapshots (source `usage-endpoint`). Windows are placed by
 * `limit_window_seconds`, never by position; `resetsAt` comes from `reset_at` (unix s) or else
 * `observedAt + reset_after_seconds`. Credits and additional limits are kept.
 */
export function snapshotsFromUsageReply(reply: UsageReply, observedAt: number): UsageObservation {
  const observation: UsageObservation = {};
  const main = pairFromRateLimit(reply.rate_limit, observedAt);
  if (main.fiveHour) observation.fiveHour = main.fiveHour;
  if (main.weekly) observation.weekly = main.weekly;
  if (main.monthly) observation.monthly = main.monthly;
  const limit = limitFlagFromReply(reply, main, observedAt);
  if (limit) observation.limit = limit;
  const credits = creditsFromReply(reply.credits, observedAt);
  if (credits) observation.credits = credits;
  // A family is keyed by its limit id (`metered_feature`, as the codex CLI does), named by `limit_name`.
  for (const extra of reply.additional_rate_limits ?? []) {
    const idSource = extra.metered_feature ?? extra.limit_name;
    if (!idSource) continue;
    const id = normalizeLimitId(idSource);
    const family: FamilyWindows = pairFromRateLimit(extra.rate_limit, observedAt);
    if (extra.limit_name) family.limitName = extra.limit_name;
    if (!family.fiveHour && !family.weekly && !family.monthly && !family.limitName) continue;
    (observation.additional ??= {})[id] = family;
  }
  if (Array.isArray(reply.additional_rate_limits)) observation.completeFamilies = true;
  if (reply.plan_type) observation.planType = reply.plan_type;
  return observation;
}
