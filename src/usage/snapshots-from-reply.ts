import type { Credits } from '../store/schema.js';
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
 * Turns a usage-endpoint reply into snapshots (source `usage-endpoint`). Windows are placed by
 * `limit_window_seconds`, never by position; `resetsAt` comes from `reset_at` (unix s) or else
 * `observedAt + reset_after_seconds`. Credits and additional limits are kept.
 */
export function snapshotsFromUsageReply(reply: UsageReply, observedAt: number): UsageObservation {
  const observation: UsageObservation = {};
  const main = pairFromRateLimit(reply.rate_limit, observedAt);
  if (main.fiveHour) observation.fiveHour = main.fiveHour;
  if (main.weekly) observation.weekly = main.weekly;
  const credits = creditsFromReply(reply.credits, observedAt);
  if (credits) observation.credits = credits;
  // A family is keyed by its limit id (`metered_feature`, as the codex CLI does), named by `limit_name`.
  for (const limit of reply.additional_rate_limits ?? []) {
    const idSource = limit.metered_feature ?? limit.limit_name;
    if (!idSource) continue;
    const id = normalizeLimitId(idSource);
    const family: FamilyWindows = pairFromRateLimit(limit.rate_limit, observedAt);
    if (limit.limit_name) family.limitName = limit.limit_name;
    if (!family.fiveHour && !family.weekly && !family.limitName) continue;
    (observation.additional ??= {})[id] = family;
  }
  if (Array.isArray(reply.additional_rate_limits)) observation.completeFamilies = true;
  if (reply.plan_type) observation.planType = reply.plan_type;
  return observation;
}
