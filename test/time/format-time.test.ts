import { describe, expect, it } from 'vitest';
import { formatCountdown, formatSpan, formatWhen } from '../../src/time/format-time.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// Thursday 6 March 2025, 12:00 UTC (13:00 in Paris, winter time).
const NOW = Date.UTC(2025, 2, 6, 12, 0, 0);

describe('formatWhen: local time with its zone, then the countdown', () => {
  it.each([
    ['later today, UTC', NOW + 4 * HOUR + 28 * MIN, 'UTC', '16:28 UTC, in 4 h 28 min'],
    ['later today, Paris', NOW + 4 * HOUR + 28 * MIN, 'Europe/Paris', '17:28 CET, in 4 h 28 min'],
    ['in a few seconds', NOW + 20_000, 'UTC', '12:00 UTC, in 20 s'],
    ['tomorrow, with the weekday', NOW + DAY + 3 * HOUR, 'UTC', 'Fri 15:00 UTC, in 1 d 3 h'],
    ['beyond six days, with the date', NOW + 9 * DAY + 2 * HOUR, 'UTC', '15 Mar 14:00 UTC, in 9 d 2 h'],
    ['in the past', NOW - 12 * MIN, 'UTC', '11:48 UTC, 12 min ago'],
    ['a day boundary in the zone, not in UTC', NOW + 11 * HOUR + 30 * MIN, 'Europe/Paris', 'Fri 00:30 CET, in 11 h 30 min'],
  ])('%s', (_label, at, zone, text) => {
    expect(formatWhen(at, NOW, zone)).toBe(text);
  });
});

describe('formatSpan and formatCountdown', () => {
  it.each([
    [59 * MIN + 59_000, '1 h'],
    [59_600, '1 min'],
    [45_000, '45 s'],
    [2 * HOUR, '2 h'],
    [23 * HOUR + 59 * MIN + 50_000, '1 d'],
    [3 * DAY + 5 * HOUR + 10 * MIN, '3 d 5 h'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatSpan(ms)).toBe(text);
  });

  it('says now, in, and ago', () => {
    expect(formatCountdown(NOW + 300, NOW)).toBe('now');
    expect(formatCountdown(NOW + 5 * MIN, NOW)).toBe('in 5 min');
    expect(formatCountdown(NOW - 5 * MIN, NOW)).toBe('5 min ago');
  });
});
