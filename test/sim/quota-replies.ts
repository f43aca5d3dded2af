import type { SimAccount } from './accounts.js';
import { ACCOUNT_WIDE_LIMIT, familyHeaderPrefix, type SimFamily } from './families.js';
import { WINDOW_LENGTH_MS, type AccountQuota, type WindowName } from './quota.js';

/** How an account's quota is put on the wire: usage replies and `x-codex-*` headers. */

function windowMinutes(name: WindowName): number {
  return WINDOW_LENGTH_MS[name] / 60_000;
}

/** A window as the usage routes report it. */
function quotaWindowReply(quota: AccountQuota, name: WindowName, now: number) {
  const window = quota.window(name);
  return {
    used_percent: window.usedPercent,
    limit_window_seconds: WINDOW_LENGTH_MS[name] / 1000,
    reset_after_seconds: Math.max(0, Math.ceil((window.resetsAt - now) / 1000)),
    reset_at: Math.ceil(window.resetsAt / 1000),
  };
}

/**
 * The secondary window of a plan that has none. Seen in 2026 (PROTOCOL.md §8): `null`, or a
 * zero-length window with an empty `reset_at`, which a client must treat as absent, not as 0 % used.
 */
function missingSecondary(account: SimAccount) {
  if (account.usageShape !== 'weekly-only-zero-secondary') return null;
  return { used_percent: 0, limit_window_seconds: 0, reset_after_seconds: 0, reset_at: '' };
}

/** True when the account may not be served now: an enforced window is spent, or a spend control says so. */
export function isLimitReached(account: SimAccount): boolean {
  return account.limitReachedType !== undefined || account.quota.blockingWindow() !== undefined;
}

function creditsReply(account: SimAccount) {
  const credits = account.credits;
  return credits
    ? { has_credits: credits.hasCredits, unlimited: credits.unlimited, balance: credits.balance }
    : { has_credits: false, unlimited: false, balance: '0' };
}

/**
 * `<prefix>-primary-*` and `<prefix>-secondary-*` for one quota, windows in the plan's order (a
 * family's windows have the account's shape). A plan without a secondary window sends no secondary
 * headers, or zero-length ones for `weekly-only-zero-secondary`.
 */
function windowHeaders(prefix: string, account: SimAccount, quota: AccountQuota, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const slots: ['primary' | 'secondary', WindowName | undefined][] = [
    ['primary', account.primaryWindow],
    ['secondary', account.secondaryWindow],
  ];
  for (const [slot, name] of slots) {
    if (name === undefined) {
      if (account.usageShape === 'weekly-only-zero-secondary') {
        headers[`${prefix}-${slot}-used-percent`] = '0';
        headers[`${prefix}-${slot}-window-minutes`] = '0';
        headers[`${prefix}-${slot}-reset-at`] = '';
      }
      continue;
    }
    const window = quotaWindowReply(quota, name, now);
    headers[`${prefix}-${slot}-used-percent`] = String(window.used_percent);
    headers[`${prefix}-${slot}-window-minutes`] = String(windowMinutes(name));
    headers[`${prefix}-${slot}-reset-at`] = String(window.reset_at);
    headers[`${prefix}-${slot}-reset-after-seconds`] = String(window.reset_after_seconds);
  }
  return headers;
}

/**
 * The `x-codex-*` headers every /codex/responses answer carries. The unnamed `x-codex-primary-*` /
 * `secondary-*` slots carry whichever limit is active for this request: on a turn of a family's
 * model that is the FAMILY's numbers, not the account's (PROTOCOL.md §8, from live captures), and
 * `x-codex-active-limit` names it (`premium` for the account-wide limit). Every family is also
 * reported under its own name, `x-codex-<family>-*` with `x-codex-<family>-limit-name`.
 */
export function rateLimitHeaders(account: SimAccount, now: number, active?: SimFamily): Record<string, string> {
  const headers: Record<string, string> = windowHeaders('x-codex', account, active?.quota ?? account.quota, now);
  headers['x-codex-active-limit'] = active?.id ?? ACCOUNT_WIDE_LIMIT;
  for (const family of account.families) {
    const prefix = familyHeaderPrefix(family.id);
    Object.assign(headers, windowHeaders(prefix, account, family.quota, now));
    headers[`${prefix}-limit-name`] = family.limitName;
  }
  const credits = creditsReply(account);
  headers['x-codex-credits-has-credits'] = credits.has_credits ? 'True' : 'False';
  headers['x-codex-credits-unlimited'] = credits.unlimited ? 'True' : 'False';
  headers['x-codex-credits-balance'] = credits.balance;
  return headers;
}

function rateLimitReply(account: SimAccount, quota: AccountQuota, limitReached: boolean, now: number) {
  return {
    allowed: !limitReached,
    limit_reached: limitReached,
    primary_window: quotaWindowReply(quota, account.primaryWindow, now),
    secondary_window: account.secondaryWindow ? quotaWindowReply(quota, account.secondaryWindow, now) : missingSecondary(account),
  };
}

/**
 * The usage reply body of /codex/usage and /wham/usage. Limit families are listed in
 * `additional_rate_limits` as `{limit_name, metered_feature, rate_limit}` (PROTOCOL.md §8; the
 * codex CLI's backend client reads `metered_feature` as the limit id and `limit_name` as its name).
 */
export function usageReply(account: SimAccount, now: number) {
  return {
    plan_type: account.identity.plan,
    rate_limit: rateLimitReply(account, account.quota, isLimitReached(account), now),
    credits: creditsReply(account),
    additional_rate_limits: account.families.map((family) => ({
      limit_name: family.limitName,
      metered_feature: family.id,
      rate_limit: rateLimitReply(account, family.quota, family.quota.blockingWindow() !== undefined, now),
    })),
    rate_limit_reached_type: account.limitReachedType !== undefined ? { type: account.limitReachedType } : null,
  };
}

/**
 * The 429 body of a spent limit, the account's or a family's (`quota`). `resets_at` (unix s) today;
 * `resets_in_seconds` in older replies, which clients must still read (PROTOCOL.md §3 and §8, "Error shapes").
 */
export function usageLimitBody(account: SimAccount, now: number, quota: AccountQuota = account.quota) {
  const blocking = quota.blockingWindow();
  // A spend control has no window of its own: the latest reset of the plan's windows stands in for it.
  const resetsAtMs = blocking ? quota.window(blocking).resetsAt : Math.max(...quota.enforced.map((name) => quota.window(name).resetsAt));
  const reset =
    account.quotaResetField === 'resets_in_seconds'
      ? { resets_in_seconds: Math.max(0, Math.ceil((resetsAtMs - now) / 1000)) }
      : { resets_at: Math.ceil(resetsAtMs / 1000) };
  return {
    error: {
      type: 'usage_limit_reached',
      message: 'The usage limit has been reached',
      plan_type: account.identity.plan,
      ...reset,
    },
  };
}
