import type { SimAccount } from './accounts.js';
import { WINDOW_LENGTH_MS, type WindowName } from './quota.js';

/** How an account's quota is put on the wire: usage replies and `x-codex-*` headers. */

export function windowMinutes(name: WindowName): number {
  return WINDOW_LENGTH_MS[name] / 60_000;
}

/** A window as the usage routes report it. */
export function usageWindowReply(account: SimAccount, name: WindowName, now: number) {
  const window = account.quota.window(name);
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

/** The `x-codex-*` headers every /codex/responses answer carries. */
export function rateLimitHeaders(account: SimAccount, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  const slots: ['primary' | 'secondary', WindowName | undefined][] = [
    ['primary', account.primaryWindow],
    ['secondary', account.secondaryWindow],
  ];
  for (const [slot, name] of slots) {
    if (name === undefined) {
      if (account.usageShape === 'weekly-only-zero-secondary') {
        headers[`x-codex-${slot}-used-percent`] = '0';
        headers[`x-codex-${slot}-window-minutes`] = '0';
        headers[`x-codex-${slot}-reset-at`] = '';
      }
      continue;
    }
    const window = usageWindowReply(account, name, now);
    headers[`x-codex-${slot}-used-percent`] = String(window.used_percent);
    headers[`x-codex-${slot}-window-minutes`] = String(windowMinutes(name));
    headers[`x-codex-${slot}-reset-at`] = String(window.reset_at);
    headers[`x-codex-${slot}-reset-after-seconds`] = String(window.reset_after_seconds);
  }
  const credits = creditsReply(account);
  headers['x-codex-credits-has-credits'] = credits.has_credits ? 'True' : 'False';
  headers['x-codex-credits-unlimited'] = credits.unlimited ? 'True' : 'False';
  headers['x-codex-credits-balance'] = credits.balance;
  return headers;
}

/** The usage reply body of /codex/usage and /wham/usage. */
export function usageReply(account: SimAccount, now: number) {
  const limitReached = isLimitReached(account);
  return {
    plan_type: account.identity.plan,
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: usageWindowReply(account, account.primaryWindow, now),
      secondary_window: account.secondaryWindow ? usageWindowReply(account, account.secondaryWindow, now) : missingSecondary(account),
    },
    credits: creditsReply(account),
    additional_rate_limits: [],
    rate_limit_reached_type: account.limitReachedType !== undefined ? { type: account.limitReachedType } : null,
  };
}

/**
 * The 429 body of a spent limit. `resets_at` (unix s) today; `resets_in_seconds` in older replies,
 * which clients must still read (PROTOCOL.md §3 and §8, "Error shapes").
 */
export function usageLimitBody(account: SimAccount, now: number) {
  const blocking = account.quota.blockingWindow();
  // A spend control has no window of its own: the latest reset of the plan's windows stands in for it.
  const resetsAtMs = blocking
    ? account.quota.window(blocking).resetsAt
    : Math.max(...account.quota.enforced.map((name) => account.quota.window(name).resetsAt));
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
