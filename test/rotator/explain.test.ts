import { describe, expect, it } from 'vitest';
import { chooseAccount, type Choice } from '../../src/rotator/choose-account.js';
import { describeNoEligibleAccount, formatMoment } from '../../src/rotator/explain.js';
import type { StoreData } from '../../src/store/schema.js';
import { HOUR, MINUTE, NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

function noChoice(data: StoreData, model = 'gpt-5.4'): Extract<Choice, { ok: false }> {
  const choice = chooseAccount(data, { now: NOW, model, tried: new Set() }, {}, { strategy: 'sticky', pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR });
  if (choice.ok) throw new Error(`expected no eligible account, got ${choice.account.alias}`);
  return choice;
}

describe('describeNoEligibleAccount', () => {
  it('names every account with its reason and the first one back, soonest first', () => {
    const data = storeOf([
      routingAccount('work', (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW - HOUR })),
      routingAccount('personal', (a) => (a.usage.fiveHour = snapshot(100, { resetsAt: NOW + 2 * HOUR }))),
      routingAccount('spare', (a) => ((a.health.cooldownUntil = NOW + 5 * MINUTE), (a.health.cooldownReason = 'Cloudflare challenge'))),
      routingAccount('old', (a) => (a.enabled = false)),
    ]);
    const message = describeNoEligibleAccount(noChoice(data), NOW);
    expect(message).toMatch(/^No eligible account: /);
    expect(message).toContain('work (needs a new sign-in: refresh_token_reused');
    expect(message).toContain('personal (5h limit (100% used) until');
    expect(message).toContain('spare (Cloudflare challenge until');
    expect(message).toContain('old (disabled');
    expect(message.indexOf('spare')).toBeLessThan(message.indexOf('personal'));
    expect(message.indexOf('personal')).toBeLessThan(message.indexOf('work'));
    expect(message).toContain(`First back: spare at ${formatMoment(NOW + 5 * MINUTE, NOW)}.`);
  });

  it('says none comes back by itself when every reason needs a person', () => {
    const data = storeOf([routingAccount('a', (a) => (a.enabled = false)), routingAccount('b', (a) => (a.health.reloginRequired = { reason: 'x', at: NOW }))]);
    const message = describeNoEligibleAccount(noChoice(data), NOW);
    expect(message).toContain('a (disabled');
    expect(message).toContain('b (needs a new sign-in: x');
    expect(message).toContain('None comes back by itself');
    expect(message).not.toContain('First back');
  });

  it('names the pinned account and how to unpin when the pin blocks everything', () => {
    const data = storeOf(
      [routingAccount('free'), routingAccount('pinned', (a) => (a.usage.fiveHour = snapshot(100)))],
      (d) => (d.pin = { accountId: d.accounts[1]!.id }),
    );
    const message = describeNoEligibleAccount(noChoice(data), NOW);
    expect(message).toMatch(/^Pinned account pinned cannot serve \(unpin with `opencode-multi-auth unpin`\)/);
    expect(message).not.toContain('free');
  });

  it('names the limit family that is out for the model, by its display name, and when it comes back', () => {
    const spark = 'gpt-5.3-codex-spark';
    const data = storeOf(
      [
        routingAccount('work', (a) => {
          a.usage.additional = { codex_bengalfox: { fiveHour: snapshot(100, { resetsAt: NOW + HOUR }), limitName: 'GPT-5.3-Codex-Spark' } };
        }),
        routingAccount('personal', (a) => (a.health.familyCooldowns = { codex_bengalfox: { until: NOW + 2 * HOUR, reason: 'x' } })),
      ],
      (d) => (d.modelFamilies = { [spark]: 'codex_bengalfox' }),
    );
    const message = describeNoEligibleAccount(noChoice(data, spark), NOW);
    expect(message).toContain(`work (GPT-5.3-Codex-Spark limit (100% of 5h used) until ${formatMoment(NOW + HOUR, NOW)}; its other models still work)`);
    expect(message).toContain(`personal (GPT-5.3-Codex-Spark limit reached until ${formatMoment(NOW + 2 * HOUR, NOW)}`);
    expect(message).toContain(`First back: work at ${formatMoment(NOW + HOUR, NOW)}.`);
    // The same accounts serve another model.
    expect(
      chooseAccount(data, { now: NOW, model: 'gpt-5.4', tried: new Set() }, {}, { strategy: 'sticky', pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR }).ok,
    ).toBe(true);
  });

  it('says when no account offers the model at all', () => {
    const catalog = { models: [{ slug: 'gpt-5.5', visibility: 'list' }], checkedAt: NOW };
    const data = storeOf([routingAccount('work', (a) => (a.catalog = catalog)), routingAccount('personal', (a) => (a.catalog = catalog))]);
    const message = describeNoEligibleAccount(noChoice(data), NOW);
    expect(message).toMatch(/^No account offers gpt-5\.4 /);
    expect(message).toContain('work (its model catalog has no gpt-5.4)');
  });

  it('tells the user to log in when there is no account at all', () => {
    expect(describeNoEligibleAccount(noChoice(storeOf([])), NOW)).toContain('opencode-multi-auth login');
  });

  it('shows how long until a moment', () => {
    expect(formatMoment(NOW + 2 * HOUR + 5 * MINUTE, NOW)).toMatch(/ [A-Z+0-9:-]+ \(in 2 h 5 min\)$/);
  });
});
