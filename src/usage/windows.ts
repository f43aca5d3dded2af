/**
 * The Codex backend reports up to two rate-limit windows, but which one is "primary" differs by plan
 * (PROTOCOL.md §8, "Window shapes seen in 2026"): Plus/Pro a 5 h and a weekly one; some paid plans a
 * weekly primary alone; free plans one 30-day window. A window is therefore identified by its
 * length, never by its position, and a zero-length window is no window at all.
 */
export const WINDOW_KINDS = ['fiveHour', 'weekly', 'monthly'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const FIVE_HOUR_MINUTES = 300;
export const WEEKLY_MINUTES = 10_080;
export const MONTHLY_MINUTES = 43_200;

export const WINDOW_LABELS: Record<WindowKind, string> = { fiveHour: '5h', weekly: 'weekly', monthly: '30-day' };

/**
 * Classifies a window by its length in minutes: up to a day is the 5-hour kind, up to two weeks the
 * weekly one, longer the free plan's 30-day one. Zero, negative or missing: no window.
 */
export function classifyWindowMinutes(minutes: number | null | undefined): WindowKind | undefined {
  if (minutes == null || !Number.isFinite(minutes) || minutes <= 0) return undefined;
  if (minutes <= 24 * 60) return 'fiveHour';
  if (minutes <= 14 * 24 * 60) return 'weekly';
  return 'monthly';
}

export function classifyWindowSeconds(seconds: number | null | undefined): WindowKind | undefined {
  if (seconds == null) return undefined;
  return classifyWindowMinutes(seconds / 60);
}
