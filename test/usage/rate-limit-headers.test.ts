import { describe, expect, it } from 'vitest';
import { hasWindows, parseHeaderBoolean, parseHeaderNumber, snapshotsFromHeaders } from '../../src/usage/rate-limit-headers.js';

const NOW = 1_800_000_000_000;

describe('snapshotsFromHeaders', () => {
  const cases: { name: string; headers: Record<string, string>; expected: unknown }[] = [
    {
      name: 'pins percent USED: a fresh account reporting 1 is stored as 1, not 99',
      headers: { 'x-codex-primary-used-percent': '1', 'x-codex-primary-window-minutes': '300' },
      expected: { fiveHour: { usedPercent: 1, windowMinutes: 300, observedAt: NOW, source: 'response-headers' } },
    },
    {
      name: 'places a weekly window reported as primary under weekly',
      headers: {
        'x-codex-primary-used-percent': '40',
        'x-codex-primary-window-minutes': '10080',
        'x-codex-primary-reset-at': '1800003600',
      },
      expected: {
        weekly: { usedPercent: 40, windowMinutes: 10080, resetsAt: 1_800_003_600_000, observedAt: NOW, source: 'response-headers' },
      },
    },
    {
      name: 'reads both windows whatever their order and uses reset-after-seconds when reset-at is absent',
      headers: {
        'x-codex-primary-used-percent': '75.5',
        'x-codex-primary-window-minutes': '10080',
        'x-codex-secondary-used-percent': '12',
        'x-codex-secondary-window-minutes': '300',
        'x-codex-secondary-reset-after-seconds': '600',
      },
      expected: {
        weekly: { usedPercent: 75.5, windowMinutes: 10080, observedAt: NOW, source: 'response-headers' },
        fiveHour: { usedPercent: 12, windowMinutes: 300, resetsAt: NOW + 600_000, observedAt: NOW, source: 'response-headers' },
      },
    },
    {
      name: 'drops a window whose length is unknown rather than guessing from its position',
      headers: { 'x-codex-primary-used-percent': '50' },
      expected: {},
    },
    {
      name: 'drops malformed percentages',
      headers: {
        'x-codex-primary-used-percent': 'abc',
        'x-codex-primary-window-minutes': '300',
        'x-codex-secondary-used-percent': '-4',
        'x-codex-secondary-window-minutes': '10080',
      },
      expected: {},
    },
    {
      name: 'reads Python-style credit booleans and keeps the balance as text',
      headers: {
        'x-codex-credits-has-credits': 'True',
        'x-codex-credits-unlimited': 'False',
        'x-codex-credits-balance': '12.50',
      },
      expected: { credits: { hasCredits: true, unlimited: false, balance: '12.50', observedAt: NOW } },
    },
    {
      name: 'ignores credit headers it cannot read',
      headers: { 'x-codex-credits-has-credits': 'maybe', 'x-codex-credits-balance': ' ' },
      expected: {},
    },
    {
      name: 'keeps named limit families under additional, by limit id (x-codex-bengalfox-* is codex_bengalfox), with their display name',
      headers: {
        'x-codex-bengalfox-primary-used-percent': '30',
        'x-codex-bengalfox-primary-window-minutes': '300',
        'x-codex-bengalfox-limit-name': 'GPT-5.3-Codex-Spark',
        'x-other-secondary-used-percent': '90',
        'x-other-secondary-window-minutes': '10080',
      },
      expected: {
        additional: {
          codex_bengalfox: {
            fiveHour: { usedPercent: 30, windowMinutes: 300, observedAt: NOW, source: 'response-headers' },
            limitName: 'GPT-5.3-Codex-Spark',
          },
          other: { weekly: { usedPercent: 90, windowMinutes: 10080, observedAt: NOW, source: 'response-headers' } },
        },
      },
    },
    {
      name: "on a family's turn records the unnamed slots as the FAMILY's windows, never the account's (PROTOCOL §8)",
      headers: {
        'x-codex-active-limit': 'codex_bengalfox',
        'x-codex-primary-used-percent': '100',
        'x-codex-primary-window-minutes': '300',
        'x-codex-secondary-used-percent': '40',
        'x-codex-secondary-window-minutes': '10080',
      },
      expected: {
        activeLimit: 'codex_bengalfox',
        additional: {
          codex_bengalfox: {
            fiveHour: { usedPercent: 100, windowMinutes: 300, observedAt: NOW, source: 'response-headers' },
            weekly: { usedPercent: 40, windowMinutes: 10080, observedAt: NOW, source: 'response-headers' },
          },
        },
      },
    },
    {
      name: "on a free plan's family turn the 30-day window in the unnamed slot is the family's, not the account's",
      headers: {
        'x-codex-active-limit': 'codex_bengalfox',
        'x-codex-primary-used-percent': '100',
        'x-codex-primary-window-minutes': '43200',
      },
      expected: {
        activeLimit: 'codex_bengalfox',
        additional: { codex_bengalfox: { monthly: { usedPercent: 100, windowMinutes: 43200, observedAt: NOW, source: 'response-headers' } } },
      },
    },
    {
      name: "decides by the active limit's name even when the family and the account report equal numbers",
      headers: {
        'x-codex-active-limit': 'premium',
        'x-codex-primary-used-percent': '30',
        'x-codex-primary-window-minutes': '300',
        'x-codex-bengalfox-primary-used-percent': '30',
        'x-codex-bengalfox-primary-window-minutes': '300',
      },
      expected: {
        activeLimit: 'premium',
        fiveHour: { usedPercent: 30, windowMinutes: 300, observedAt: NOW, source: 'response-headers' },
        additional: { codex_bengalfox: { fiveHour: { usedPercent: 30, windowMinutes: 300, observedAt: NOW, source: 'response-headers' } } },
      },
    },
    {
      name: "lets a family's named headers win over the unnamed slots on its own turn",
      headers: {
        'x-codex-active-limit': 'codex-bengalfox',
        'x-codex-primary-used-percent': '61',
        'x-codex-primary-window-minutes': '300',
        'x-codex-bengalfox-primary-used-percent': '62',
        'x-codex-bengalfox-primary-window-minutes': '300',
      },
      expected: {
        activeLimit: 'codex_bengalfox',
        additional: { codex_bengalfox: { fiveHour: { usedPercent: 62, windowMinutes: 300, observedAt: NOW, source: 'response-headers' } } },
      },
    },
    {
      name: 'reads the plan type when it is sent',
      headers: { 'x-codex-plan-type': 'plus' },
      expected: { planType: 'plus' },
    },
    {
      name: 'returns nothing for a reply without rate-limit headers',
      headers: { 'content-type': 'text/event-stream' },
      expected: {},
    },
  ];

  for (const { name, headers, expected } of cases) {
    it(name, () => {
      expect(snapshotsFromHeaders(new Headers(headers), NOW)).toEqual(expected);
    });
  }

  it('labels snapshots with the source it is given (a probe)', () => {
    const observation = snapshotsFromHeaders(new Headers({ 'x-codex-primary-used-percent': '5', 'x-codex-primary-window-minutes': '300' }), NOW, 'probe');
    expect(observation.fiveHour?.source).toBe('probe');
    expect(hasWindows(observation)).toBe(true);
    expect(hasWindows({ credits: { hasCredits: true } })).toBe(false);
  });
});

describe('header value parsing', () => {
  it.each([
    ['42', 42],
    [' 0 ', 0],
    ['1e2', 100],
    ['', undefined],
    ['NaN', undefined],
    ['-1', undefined],
    [null, undefined],
  ])('number %j -> %j', (input, expected) => {
    expect(parseHeaderNumber(input)).toBe(expected);
  });

  it.each([
    ['True', true],
    ['false', false],
    ['1', true],
    ['0', false],
    ['nope', undefined],
    [null, undefined],
  ])('boolean %j -> %j', (input, expected) => {
    expect(parseHeaderBoolean(input)).toBe(expected);
  });
});
