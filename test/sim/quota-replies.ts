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

/** The `x-codex-*` headers every /codex/responses answer carries. */
export function rateLimitHeaders(account: SimAccount, now: number): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [slot, name] of [
    ['primary', account.primaryWindow],
    ['secondary', account.secondaryWindow],
  ] as const) {
    const window = usageWindowReply(account, name, now);
    headers[`x-codex-${slot}-used-percent`] = String(window.used_percent);
    headers[`x-codex-${slot}-window-minutes`] = String(windowMinutes(name));
    headers[`x-codex-${slot}-reset-at`] = String(window.reset_at);
    headers[`x-codex-${slot}-reset-after-seconds`] = String(window.reset_after_seconds);
  }
  headers['x-codex-credits-has-credits'] = 'False';
  headers['x-codex-credits-unlimited'] = 'False';
  headers['x-codex-credits-balance'] = '0';
  return headers;
}

/** The usage reply body of /codex/usage and /wham/usage. */
export function usageReply(account: SimAccount, now: number) {
  const limitReached = account.quota.blockingWindow() !== undefined;
  return {
    plan_type: account.identity.plan,
    rate_limit: {
      allowed: !limitReached,
      limit_reached: limitReached,
      primary_window: usageWindowReply(account, account.primaryWindow, now),
      secondary_window: usageWindowReply(account, account.secondaryWindow, now),
    },
    credits: { has_credits: false, unlimited: false, balance: '0' },
    additional_rate_limits: [],
    rate_limit_reached_type: null,
  };
}
