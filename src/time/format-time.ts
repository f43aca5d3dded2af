/*
 * The one way the project writes a moment for a person: local time with its zone, then how far it is
 * from now, e.g. `08:45 CET, in 4 h 28 min`. Pure (the clock and the zone come in) and free of Node
 * APIs, so the command-line tool, the server and the dashboard's browser code all use this file.
 */

export interface MomentOptions {
  /** An IANA zone such as `Europe/Berlin`. Default the runtime's own zone. */
  timeZone?: string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** A span for a person: `45 s`, `12 min`, `4 h 28 min`, `3 h`, `2 d 5 h`. Negative spans count as their size. */
export function formatSpan(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/**
 * `in 4 h 28 min`, `in 20 s`, `5 min ago`; `just now` for the last half minute and `now` for the
 * coming second. A moment to come always counts down, however close: a cooldown ending in 20 s says so.
 */
export function formatCountdown(at: number, now: number): string {
  const delta = at - now;
  if (delta <= 0 && delta > -30_000) return 'just now';
  if (delta > 0 && delta < 1_000) return 'now';
  return delta > 0 ? `in ${formatSpan(delta)}` : `${formatSpan(delta)} ago`;
}

/**
 * The zone's short name at that moment: `CET`, `EST`, `UTC`, else its offset (`GMT+9`). English
 * locales disagree on which names they know (en-US says `GMT+1` for Berlin, en-GB says `GMT-5` for
 * New York), so the first one that gives a name wins.
 */
export function zoneName(at: number, timeZone?: string): string {
  let fallback = '';
  for (const locale of ['en-US', 'en-GB']) {
    const parts = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' }).formatToParts(at);
    const name = parts.find((part) => part.type === 'timeZoneName')?.value ?? '';
    if (name !== '' && !/^GMT[+\-\u2212]/.test(name)) return name;
    fallback ||= name;
  }
  return fallback;
}

interface LocalParts {
  year: string;
  month: string;
  day: string;
  weekday: string;
  hour: string;
  minute: string;
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
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((part) => part.type === type)?.value ?? '';
  return { year: get('year'), month: get('month'), day: get('day'), weekday: get('weekday'), hour: get('hour'), minute: get('minute') };
}

/**
 * The wall-clock part: `08:45 CET` today, `Thu 08:45 CET` within a week either way, `10 Dec 08:45 CET`
 * further, with the year when it is not this year's.
 */
export function formatClock(at: number, now: number, options: MomentOptions = {}): string {
  const moment = localParts(at, options.timeZone);
  const today = localParts(now, options.timeZone);
  const time = `${moment.hour}:${moment.minute} ${zoneName(at, options.timeZone)}`;
  const sameDay = moment.year === today.year && moment.month === today.month && moment.day === today.day;
  if (sameDay) return time;
  if (Math.abs(at - now) < 6 * DAY_MS) return `${moment.weekday} ${time}`;
  const year = moment.year === today.year ? '' : ` ${moment.year}`;
  return `${moment.day} ${moment.month}${year} ${time}`;
}

/** `08:45 CET, in 4 h 28 min` — the format every moment is shown in. */
export function formatMoment(at: number, now: number, options: MomentOptions = {}): string {
  return `${formatClock(at, now, options)}, ${formatCountdown(at, now)}`;
}
