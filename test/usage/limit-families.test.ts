import { describe, expect, it } from 'vitest';
import { activeFamily, familyOfModel, normalizeLimitId, slugOfLimitName } from '../../src/usage/limit-families.js';
import { ReplyRateLimitRecorder } from '../../src/usage/reply-rate-limits.js';
import { extendFamilyCooldown, learnModelFamily, recordObservation } from '../../src/usage/usage-mutations.js';
import { NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

describe('limit ids and names', () => {
  it.each([
    ['codex_bengalfox', 'codex_bengalfox'],
    ['codex-bengalfox', 'codex_bengalfox'],
    [' Codex-BengalFox ', 'codex_bengalfox'],
  ])('normalizes %j to %j', (input, expected) => {
    expect(normalizeLimitId(input)).toBe(expected);
  });

  it.each([
    ['codex_bengalfox', 'codex_bengalfox'],
    ['premium', undefined],
    ['codex', undefined],
    ['', undefined],
    [null, undefined],
  ])('x-codex-active-limit %j names family %j', (header, expected) => {
    expect(activeFamily(header)).toBe(expected);
  });

  it('turns a display name into the slug it covers', () => {
    expect(slugOfLimitName('GPT-5.3-Codex-Spark')).toBe('gpt-5.3-codex-spark');
  });
});

describe('familyOfModel: which family a model is under', () => {
  const spark = 'gpt-5.3-codex-spark';
  const withFamily = (name?: string) =>
    routingAccount('a', (a) => (a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(10), ...(name ? { limitName: name } : {}) } }));

  it.each([
    {
      name: 'what a reply said wins',
      data: () => storeOf([withFamily()], (d) => (d.modelFamilies = { [spark]: 'codex_bengalfox' })),
      model: spark,
      expected: { id: 'codex_bengalfox' },
    },
    {
      name: 'with the display name any account has seen',
      data: () => storeOf([routingAccount('b'), withFamily('GPT-5.3-Codex-Spark')], (d) => (d.modelFamilies = { [spark]: 'codex_bengalfox' })),
      model: spark,
      expected: { id: 'codex_bengalfox', limitName: 'GPT-5.3-Codex-Spark' },
    },
    {
      name: 'a limit name that is the slug places the model before any reply',
      data: () => storeOf([withFamily('GPT-5.3-Codex-Spark')]),
      model: spark,
      expected: { id: 'codex_bengalfox', limitName: 'GPT-5.3-Codex-Spark' },
    },
    {
      name: 'a reply naming premium takes the model out of the family, whatever the name says',
      data: () => storeOf([withFamily('GPT-5.3-Codex-Spark')], (d) => (d.modelFamilies = { [spark]: 'premium' })),
      model: spark,
      expected: undefined,
    },
    { name: 'an ordinary model is under no family', data: () => storeOf([withFamily('GPT-5.3-Codex-Spark')]), model: 'gpt-5.4', expected: undefined },
    { name: 'no model, no family', data: () => storeOf([withFamily('GPT-5.3-Codex-Spark')]), model: undefined, expected: undefined },
  ])('$name', ({ data, model, expected }) => {
    expect(familyOfModel(data(), model)).toEqual(expected);
  });
});

describe('family mutations', () => {
  it('learns the newest limit a reply named for a model', () => {
    const data = storeOf([]);
    learnModelFamily(data, 'gpt-5.3-codex-spark', 'codex_bengalfox');
    learnModelFamily(data, 'gpt-5.4', 'premium');
    expect(data.modelFamilies).toEqual({ 'gpt-5.3-codex-spark': 'codex_bengalfox', 'gpt-5.4': 'premium' });
  });

  it('only ever extends a family cooldown', () => {
    const data = storeOf([routingAccount('a')]);
    const id = data.accounts[0]!.id;
    extendFamilyCooldown(data, id, 'codex_bengalfox', NOW + 100, 'first');
    extendFamilyCooldown(data, id, 'codex_bengalfox', NOW + 50, 'earlier');
    expect(data.accounts[0]!.health.familyCooldowns).toEqual({ codex_bengalfox: { until: NOW + 100, reason: 'first' } });
  });

  it("a usage reply's complete family list forgets families it no longer has, but not newer ones", () => {
    const data = storeOf([
      routingAccount('a', (a) => {
        a.usage.additional = {
          'GPT-5.3-Codex-Spark': { fiveHour: snapshot(5, { observedAt: NOW - 1000 }) },
          codex_newer: { fiveHour: snapshot(5, { observedAt: NOW + 1000 }) },
        };
      }),
    ]);
    recordObservation(data, data.accounts[0]!.id, {
      completeFamilies: true,
      additional: { codex_bengalfox: { fiveHour: snapshot(7, { observedAt: NOW }), limitName: 'GPT-5.3-Codex-Spark' } },
    });
    expect(Object.keys(data.accounts[0]!.usage.additional ?? {}).sort()).toEqual(['codex_bengalfox', 'codex_newer']);
    expect(data.accounts[0]!.usage.additional?.codex_bengalfox?.limitName).toBe('GPT-5.3-Codex-Spark');
  });
});

describe('ReplyRateLimitRecorder: what a reply teaches about model families', () => {
  const spark = 'gpt-5.3-codex-spark';
  function recordOne(status: number, activeLimit: string, model = spark) {
    const data = storeOf([routingAccount('a')]);
    const recorder = new ReplyRateLimitRecorder({ defer: (mutate) => mutate(data) });
    const headers = new Headers({ 'x-codex-active-limit': activeLimit, 'x-codex-primary-used-percent': '50', 'x-codex-primary-window-minutes': '300' });
    recorder.record(data.accounts[0]!.id, { status, headers }, NOW, model);
    return data;
  }

  it.each([
    { status: 200, limit: 'codex_bengalfox', learned: 'codex_bengalfox', accountWindow: undefined, familyWindow: 50 },
    { status: 429, limit: 'codex_bengalfox', learned: 'codex_bengalfox', accountWindow: undefined, familyWindow: 50 },
    { status: 200, limit: 'premium', learned: 'premium', accountWindow: 50, familyWindow: undefined },
    // The account-wide limit blocking a Spark turn says nothing about which limit Spark is under.
    { status: 429, limit: 'premium', learned: undefined, accountWindow: 50, familyWindow: undefined },
  ])('HTTP $status naming $limit: learns $learned', ({ status, limit, learned, accountWindow, familyWindow }) => {
    const data = recordOne(status, limit);
    expect(data.modelFamilies?.[spark]).toBe(learned);
    expect(data.accounts[0]!.usage.fiveHour?.usedPercent).toBe(accountWindow);
    expect(data.accounts[0]!.usage.additional?.codex_bengalfox?.fiveHour?.usedPercent).toBe(familyWindow);
  });
});
