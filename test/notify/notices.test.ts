import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/codex/routing-events.js';
import { noticesFromRouting } from '../../src/notify/notices-from-routing.js';
import { noticesFromStore } from '../../src/notify/notices-from-store.js';
import { chooseAccount, type Choice } from '../../src/rotator/choose-account.js';
import type { StoreData } from '../../src/store/schema.js';
import { HOUR, MINUTE, NOW, routingAccount, snapshot, storeOf } from '../support/routing-accounts.js';

const context = { now: NOW, pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR };
const idOf = (data: StoreData, alias: string) => data.accounts.find((account) => account.alias === alias)!.id;

function movedEvent(data: StoreData, from: string, to: string, attempts: Array<{ account: string; outcome: string; status?: number }> = []): RoutingEvent {
  return { kind: 'session-moved', sessionId: 'ses_1', fromAccountId: idOf(data, from), toAccountId: idOf(data, to), model: 'gpt-5.4', attempts };
}

function noChoice(data: StoreData, tried: string[] = []): Extract<Choice, { ok: false }> {
  const choice = chooseAccount(
    data,
    { now: NOW, tried: new Set(tried.map((alias) => idOf(data, alias))) },
    {},
    { strategy: 'sticky', pauseAtPercent: 100, snapshotStaleAfterMs: 2 * HOUR },
  );
  if (choice.ok) throw new Error('expected no eligible account');
  return choice;
}

describe('noticesFromRouting', () => {
  it('explains a move by what keeps the old account out now', () => {
    const data = storeOf([routingAccount('work', (a) => (a.usage.fiveHour = snapshot(100, { resetsAt: NOW + 2 * HOUR }))), routingAccount('personal')]);
    const [notice] = noticesFromRouting(
      movedEvent(data, 'work', 'personal', [{ account: 'work', status: 429, outcome: 'HTTP 429 usage limit reached' }]),
      data,
      context,
    );
    expect(notice).toMatchObject({ kind: 'session-moved', from: 'work', to: 'personal' });
    expect(notice).toHaveProperty('reason', expect.stringMatching(/^5h limit \(100% used\) until .*\(in 2 h\)$/));
  });

  it('falls back to how the old account failed this request when nothing keeps it out', () => {
    const data = storeOf([routingAccount('work'), routingAccount('personal')]);
    const [notice] = noticesFromRouting(
      movedEvent(data, 'work', 'personal', [{ account: 'work', status: 503, outcome: 'HTTP 503 server error' }]),
      data,
      context,
    );
    expect(notice).toHaveProperty('reason', 'HTTP 503 server error');
  });

  it('reports nothing when the old account could still serve (a move by strategy, not by trouble)', () => {
    const data = storeOf([routingAccount('work'), routingAccount('personal')]);
    expect(noticesFromRouting(movedEvent(data, 'work', 'personal'), data, context)).toEqual([]);
  });

  it('reports nothing when the user moved it themselves (pinned another account, disabled this one)', () => {
    const pinned = storeOf([routingAccount('work'), routingAccount('personal')], (data) => (data.pin = { accountId: data.accounts[1]!.id }));
    expect(noticesFromRouting(movedEvent(pinned, 'work', 'personal'), pinned, context)).toEqual([]);
    const disabled = storeOf([routingAccount('work', (a) => (a.enabled = false)), routingAccount('personal')]);
    expect(noticesFromRouting(movedEvent(disabled, 'work', 'personal'), disabled, context)).toEqual([]);
  });

  it('says every account is out, with the first one back', () => {
    const data = storeOf([
      routingAccount('work', (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW - HOUR })),
      routingAccount('personal', (a) => (a.usage.fiveHour = snapshot(100, { resetsAt: NOW + 2 * HOUR }))),
    ]);
    expect(noticesFromRouting({ kind: 'no-eligible-account', choice: noChoice(data) }, data, context)).toEqual([
      { kind: 'all-accounts-out', accounts: 2, firstBack: { alias: 'personal', at: NOW + 2 * HOUR }, pinnedAlias: undefined },
    ]);
  });

  it('is silent when an account only failed this one request (a passing outage, retried)', () => {
    const data = storeOf([routingAccount('work'), routingAccount('personal', (a) => (a.usage.fiveHour = snapshot(100)))]);
    expect(noticesFromRouting({ kind: 'no-eligible-account', choice: noChoice(data, ['work']) }, data, context)).toEqual([]);
  });
});

describe('noticesFromStore', () => {
  const storeContext = { now: NOW, weeklyPercent: 90, snapshotStaleAfterMs: 2 * HOUR };
  const weekly = (usedPercent: number, extra = {}) => snapshot(usedPercent, { windowMinutes: 10_080, resetsAt: NOW + 3 * 24 * HOUR, ...extra });

  const cases: Array<{ name: string; edit: Parameters<typeof routingAccount>[1]; kinds: string[] }> = [
    { name: 'a fresh account says nothing', edit: undefined, kinds: [] },
    { name: 'a new sign-in needed', edit: (a) => (a.health.reloginRequired = { reason: 'refresh_token_reused', at: NOW }), kinds: ['relogin-required'] },
    { name: 'weekly at the threshold', edit: (a) => (a.usage.weekly = weekly(90)), kinds: ['weekly-threshold'] },
    { name: 'weekly below the threshold', edit: (a) => (a.usage.weekly = weekly(89.9)), kinds: [] },
    { name: 'a stale weekly snapshot', edit: (a) => (a.usage.weekly = weekly(95, { observedAt: NOW - 3 * HOUR })), kinds: [] },
    { name: 'a weekly window that already reset', edit: (a) => (a.usage.weekly = weekly(95, { resetsAt: NOW - MINUTE })), kinds: [] },
    { name: 'the 5h window is not the weekly one', edit: (a) => (a.usage.fiveHour = snapshot(99)), kinds: [] },
    { name: 'a disabled account (the user chose)', edit: (a) => ((a.enabled = false), (a.health.reloginRequired = { reason: 'x', at: NOW })), kinds: [] },
    {
      name: 'sign-in first: its weekly warning would not help',
      edit: (a) => ((a.health.reloginRequired = { reason: 'x', at: NOW }), (a.usage.weekly = weekly(95))),
      kinds: ['relogin-required'],
    },
  ];
  it.each(cases)('$name', ({ edit, kinds }) => {
    const notices = noticesFromStore(storeOf([routingAccount('work', edit)]), storeContext);
    expect(notices.map((notice) => notice.kind)).toEqual(kinds);
  });

  it('carries what the toast needs', () => {
    const data = storeOf([routingAccount('work', (a) => (a.usage.weekly = weekly(93)))]);
    expect(noticesFromStore(data, storeContext)).toEqual([
      { kind: 'weekly-threshold', accountId: data.accounts[0]!.id, alias: 'work', usedPercent: 93, threshold: 90, resetsAt: NOW + 3 * 24 * HOUR },
    ]);
  });
});
