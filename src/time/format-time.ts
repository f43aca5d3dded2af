/*
 * The one way a moment is written for people, in the command-line tool and in error messages:
 * local wall-clock time with its zone, then how far away it is.
 *
 *   08:45 CET, in 4 h 28 min        (today)
 *   Tue 08:45 CET, in 1 d 3 h       (within a week)
 *   12 May 08:45 CEST, in 9 d 2 h   (later)
 *   08:45 CET, 12 min ago           (past)
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `4 h 28 min`, `2 d 3 h`, `12 min`, `45 s`: at most two units, the larger ones. Pure. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 59_500) return `${Math.max(1, Math.round(abs / 1000))} s`;
  const totalMinutes = Math.round(abs / MINUTE);
  if (totalMinutes < 60) return `${totalMinutes} min`;
  if (totalMinutes < 24 * 60) {
    const hours = Math.floor(totalMinutes / 60);
    const minutes = totalMinutes % 60;
    return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
  }
  const totalHours = Math.round(abs / HOUR);
  const days = Math.floor(totalHours / 24);
  const hours = totalHours % 24;
  return hours === 0 ? `${days} d` : `${days} d ${hours} h`;
}

/** `in 4 h 28 min`, `12 min ago`, `now`. Pure. */
export function formatCountdown(at: number, now: number): string {
  const delta = at - now;
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(delta)} ago`;
}

interface LocalParts {
  day: string;
  weekday: string;
  date: string;
  time: string;
  zone: string;
}

function localParts(at: number, timeZone: string | undefined): LocalParts {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return {
    day: `${get('year')}-${get('month')}-${get('day')}`,
    weekday: get('weekday'),
    date: `${get('day')} ${get('month')}`,
    time: `${get('hour')}:${get('minute')}`,
    zone: get('timeZoneName'),
  };
}

/**
 * `08:45 CET, in 4 h 28 min`: the local time of `at` with its zone (a weekday when it is not today,
 * a date when it is more than six days away), then the countdown from `now`. `timeZone` is an IANA
 * name (tests fix it); by default the machine's. Pure.
 */
export function formatWhen(at: number, now: number, timeZone?: string): string {
  const when = localParts(at, timeZone);
  const today = localParts(now, timeZone);
  const prefix = when.day === today.day ? '' : Math.abs(at - now) < 6 * DAY ? `${when.weekday} ` : `${when.date} `;
  return `${prefix}${when.time} ${when.zone}, ${formatCountdown(at, now)}`;
}
