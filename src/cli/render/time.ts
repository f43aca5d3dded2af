import { formatDuration } from '../../config/duration.js';

/** `3m ago`, `just now`, `in 2h 5m`. */
export function formatRelative(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 30_000) return 'just now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(-delta)} ago`;
}

const pad2 = (value: number) => String(value).padStart(2, '0');
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * A short local wall-clock time: `14:32` today, `Mon 14:32` within a week, `2026-05-03` beyond.
 * `timeZoneOffsetMinutes` lets tests fix the zone; by default the machine's.
 */
export function formatClock(at: number, now: number, timeZoneOffsetMinutes?: number): string {
  const shift = (ms: number) => {
    const offset = timeZoneOffsetMinutes ?? -new Date(ms).getTimezoneOffset();
    return new Date(ms + offset * 60_000);
  };
  const local = shift(at);
  const today = shift(now);
  const hm = `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
  const sameDay = local.toISOString().slice(0, 10) === today.toISOString().slice(0, 10);
  if (sameDay) return hm;
  if (Math.abs(at - now) < 6 * 86_400_000) return `${DAYS[local.getUTCDay()]} ${hm}`;
  return local.toISOString().slice(0, 10);
}
