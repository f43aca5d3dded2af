import type { SimUsage } from './types.js';

/** `monthly` is the free plan's single 30-day window (PROTOCOL.md §8, "Window shapes seen in 2026"). */
export type WindowName = 'fiveHour' | 'weekly' | 'monthly';

export const WINDOW_NAMES: readonly WindowName[] = ['fiveHour', 'weekly', 'monthly'];

export const WINDOW_LENGTH_MS: Record<WindowName, number> = {
  fiveHour: 5 * 60 * 60 * 1000,
  weekly: 7 * 24 * 60 * 60 * 1000,
  monthly: 30 * 24 * 60 * 60 * 1000,
};

export interface QuotaWindow {
  /** Percent USED, 0..100. */
  usedPercent: number;
  /** Epoch ms. */
  resetsAt: number;
}

export function clampPercent(value: number): number {
  if (!Number.isFinite(value)) return 0;
  // Rounded so that a hundred 1% charges reach exactly 100 despite floating-point sums.
  return Math.min(100, Math.max(0, Math.round(value * 1e6) / 1e6));
}

/** A window whose reset has passed starts over empty; its next reset is a whole number of lengths later. */
export function rollWindow(window: QuotaWindow, lengthMs: number, now: number): QuotaWindow {
  if (now < window.resetsAt) return window;
  const periods = Math.floor((now - window.resetsAt) / lengthMs) + 1;
  return { usedPercent: 0, resetsAt: window.resetsAt + periods * lengthMs };
}

/**
 * One account's rate-limit windows. Windows start when the account is created, so a test knows
 * exactly when they reset; the clock is read on every access so resets happen lazily. Only the
 * `enforced` windows (the plan's; see SimAccountSpec.usageShape) can block requests.
 */
export class AccountQuota {
  private windows: Record<WindowName, QuotaWindow>;

  constructor(
    private readonly now: () => number,
    start: { fiveHourUsedPercent: number; weeklyUsedPercent: number; monthlyUsedPercent?: number },
    readonly enforced: readonly WindowName[] = ['fiveHour', 'weekly'],
  ) {
    const t = now();
    this.windows = {
      fiveHour: { usedPercent: clampPercent(start.fiveHourUsedPercent), resetsAt: t + WINDOW_LENGTH_MS.fiveHour },
      weekly: { usedPercent: clampPercent(start.weeklyUsedPercent), resetsAt: t + WINDOW_LENGTH_MS.weekly },
      monthly: { usedPercent: clampPercent(start.monthlyUsedPercent ?? 0), resetsAt: t + WINDOW_LENGTH_MS.monthly },
    };
  }

  window(name: WindowName): QuotaWindow {
    const rolled = rollWindow(this.windows[name], WINDOW_LENGTH_MS[name], this.now());
    this.windows[name] = rolled;
    return rolled;
  }

  set(name: WindowName, usedPercent: number): void {
    this.windows[name] = { ...this.window(name), usedPercent: clampPercent(usedPercent) };
  }

  charge(cost: { fiveHour: number; weekly: number; monthly?: number }): void {
    this.set('fiveHour', this.window('fiveHour').usedPercent + cost.fiveHour);
    this.set('weekly', this.window('weekly').usedPercent + cost.weekly);
    this.set('monthly', this.window('monthly').usedPercent + (cost.monthly ?? cost.weekly));
  }

  /** The exhausted window that frees up last, or undefined when requests are still allowed. */
  blockingWindow(): WindowName | undefined {
    const exhausted = this.enforced.filter((name) => this.window(name).usedPercent >= 100);
    if (exhausted.length === 0) return undefined;
    return exhausted.reduce((a, b) => (this.window(b).resetsAt > this.window(a).resetsAt ? b : a));
  }

  snapshot(): SimUsage {
    const fiveHour = this.window('fiveHour');
    const weekly = this.window('weekly');
    const monthly = this.window('monthly');
    return {
      fiveHourUsedPercent: fiveHour.usedPercent,
      weeklyUsedPercent: weekly.usedPercent,
      fiveHourResetsAt: fiveHour.resetsAt,
      weeklyResetsAt: weekly.resetsAt,
      monthlyUsedPercent: monthly.usedPercent,
      monthlyResetsAt: monthly.resetsAt,
    };
  }
}
