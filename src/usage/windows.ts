/**
 * The Codex backend reports two rate-limit windows, but which one is "primary" differs by plan.
 * A window is therefore identified by its length, never by its position.
 */
export const WINDOW_KINDS = ['fiveHour', 'weekly'] as const;
export type WindowKind = (typeof WINDOW_KINDS)[number];

export const FIVE_HOUR_MINUTES = 300;
export const WEEKLY_MINUTES = 10_080;

export const WINDOW_LABELS: Record<WindowKind, string> = { fiveHour: '5h', weekly: 'weekly' };

/** Classifies a window by its length in minutes; lengths near 5 h or 7 d count, anything else is unknown. */
export function classifyWindowMinutes(minutes: number | null | undefined): WindowKind | undefined {
  if (minutes == null || !Number.isFinite(minutes) || minutes <= 0) return undefined;
  if (minutes <= 24 * 60) return 'fiveHour';
  return 'weekly';
}

export function classifyWindowSeconds(seconds: number | null | undefined): WindowKind | undefined {
  if (seconds == null) return undefined;
  return classifyWindowMinutes(seconds / 60);
}
