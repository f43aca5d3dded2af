import { describe, expect, it } from 'vitest';
import { formatClock, formatCountdown, formatMoment, formatSpan, zoneName } from '../../src/time/format-time.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Wednesday 2 December 2026, 07:45 UTC (08:45 in Berlin, 02:45 in New York).
const NOW = Date.UTC(2026, 11, 2, 7, 45);

describe('formatSpan', () => {
  it.each([
    [0, '0 s'],
    [45_000, '45 s'],
    [-45_000, '45 s'],
    [12 * MINUTE, '12 min'],
    [59 * MINUTE + 40_000, '1 h'],
    [59_600, '1 min'],
    [23 * HOUR + 59 * MINUTE + 50_000, '1 d'],
    [4 * HOUR + 28 * MINUTE, '4 h 28 min'],
    [3 * HOUR, '3 h'],
    [2 * DAY + 5 * HOUR, '2 d 5 h'],
    [7 * DAY, '7 d'],
  ])('writes %d ms as %s', (ms, text) => expect(formatSpan(ms)).toBe(text));
});

describe('formatCountdown', () => {
  it.each([
    [NOW + 4 * HOUR + 28 * MINUTE, 'in 4 h 28 min'],
    [NOW - 5 * MINUTE, '5 min ago'],
    // A moment to come always counts down, however close (a cooldown ending in 20 s says so).
    [NOW + 20_000, 'in 20 s'],
    [NOW + 300, 'now'],
    [NOW - 300, 'just now'],
    [NOW, 'just now'],
    [NOW - 29_000, 'just now'],
    [NOW - 31_000, '31 s ago'],
  ])('says how far %d is from now: %s', (at, text) => expect(formatCountdown(at, NOW)).toBe(text));
});

describe('zoneName', () => {
  it.each([
    ['Europe/Berlin', NOW, 'CET'],
    ['Europe/Berlin', Date.UTC(2026, 6, 1), 'CEST'],
    ['America/New_York', NOW, 'EST'],
    ['UTC', NOW, 'UTC'],
    ['Asia/Tokyo', NOW, 'GMT+9'],
  ])('names %s at %d as %s', (timeZone, at, name) => expect(zoneName(at, timeZone)).toBe(name));
});

describe('formatMoment', () => {
  it.each([
    ['later today', NOW + 4 * HOUR + 28 * MINUTE, 'Europe/Berlin', '13:13 CET, in 4 h 28 min'],
    ['the example of the issue', NOW + 4 * HOUR + 28 * MINUTE, 'UTC', '12:13 UTC, in 4 h 28 min'],
    ['earlier today', NOW - 2 * HOUR, 'Europe/Berlin', '06:45 CET, 2 h ago'],
    ['tomorrow, with the weekday', NOW + 20 * HOUR, 'Europe/Berlin', 'Thu 04:45 CET, in 20 h'],
    ['yesterday in New York (a different local day than UTC)', NOW - 3 * HOUR, 'America/New_York', 'Tue 23:45 EST, 3 h ago'],
    ['more than a week away, with the date', NOW + 8 * DAY, 'Europe/Berlin', '10 Dec 08:45 CET, in 8 d'],
    ['next year, with the year', NOW + 40 * DAY, 'UTC', '11 Jan 2027 07:45 UTC, in 40 d'],
    ['in a few seconds', NOW + 20_000, 'UTC', '07:45 UTC, in 20 s'],
    ['a day boundary in the zone, not in UTC', NOW + 15 * HOUR + 30 * MINUTE, 'Europe/Paris', 'Thu 00:15 CET, in 15 h 30 min'],
    ['a few minutes past, Paris', NOW - 12 * MINUTE, 'Europe/Paris', '08:33 CET, 12 min ago'],
  ])('writes a moment %s in local time with its zone and a countdown', (_, at, timeZone, text) => {
    expect(formatMoment(at, NOW, { timeZone })).toBe(text);
  });

  it('keeps the clock part on its own for places that add their own countdown', () => {
    expect(formatClock(NOW, NOW, { timeZone: 'Europe/Berlin' })).toBe('08:45 CET');
  });
});
