import type { SimAccount } from './accounts.js';
import { ACCOUNT_WIDE_LIMIT, familyHeaderPrefix, type SimFamily } from './families.js';
import { WINDOW_LENGTH_MS, type AccountQuota, type WindowName } from './quota.js';

/** How an account's quota is put on the wire: usage replies and `x-codex-*` headers. */

export function windowMinutes(name: WindowName): number {
  return WINDOW_LENGTH_MS[name] / 60_000;
}

/** A window as the usage routes report it. */
export function quotaWindowReply(quota: AccountQuota, name: WindowName, now: number) {
  const window = quota.window(name);
  return {
    used_percent: window.usedPercent,
    limit_window_seconds: WINDOW_LENGTH_MS[name] / 1000,
    reset_after_seconds: Math.max(0, Math.ceil((window.resetsAt - now) / 1000)),
    reset_at: Math.ceil(window.resetsAt / 1000),
  };
}

/** A window of the account-wide limit as the usage routes report it. */
export function usageWindowReply(account: SimAccount, name: WindowName, now: number) {
  return quotaWindowReply(account.quota, name, now);
}

/** `<prefix>-primary-*` and `<prefix>-secondary-*` for one quota, windows in the account's order. */
function windowHeaders(prefix: string, account: SimAccount, quota: AccountQuota, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [slot, name] of [
    ['primary', account.primaryWindow],
    ['secondary', account.secondaryWindow],
  ] as const) {
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
  headers['x-codex-credits-has-credits'] = 'False';
  headers['x-codex-credits-unlimited'] = 'False';
  headers['x-codex-credits-balance'] = '0';
  return headers;
}

function rateLimitReply(account: SimAccount, quota: AccountQuota, now: number) {
  const limitReached = quota.blockingWindow() !== undefined;
  return {
    allowed: !limitReached,
    limit_reached: limitReached,
    primary_window: quotaWindowReply(quota, account.primaryWindow, now),
    secondary_window: quotaWindowReply(quota, account.secondaryWindow, now),
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
    rate_limit: rateLimitReply(account, account.quota, now),
    credits: { has_credits: false, unlimited: false, balance: '0' },
    additional_rate_limits: account.families.map((family) => ({
      limit_name: family.limitName,
      metered_feature: family.id,
      rate_limit: rateLimitReply(account, family.quota, now),
    })),
    rate_limit_reached_type: null,
  };
}
