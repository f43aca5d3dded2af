import { describe, expect, it } from 'vitest';
import type { NotifyLevel } from '../../src/config/config.js';
import { decideToasts, type NotifySettings, type QuietUntil } from '../../src/notify/decide-toasts.js';
import type { Notice } from '../../src/notify/notices.js';
import { formatMoment } from '../../src/rotator/explain.js';
import { HOUR, MINUTE, NOW } from '../support/routing-accounts.js';

const DAY = 24 * HOUR;
const moved = (from = 'work', to = 'personal'): Notice => ({
  kind: 'session-moved',
  fromAccountId: `id-${from}`,
  from,
  to,
  reason: '5h limit (100% used) until 14:32 (in 4h 32m)',
});
const relogin = (alias = 'work'): Notice => ({
  kind: 'relogin-required',
  accountId: `id-${alias}`,
  alias,
  reason: 'needs a new sign-in: refresh_token_reused',
});
const allOut = (firstBack?: { alias: string; at: number }): Notice => ({ kind: 'all-accounts-out', accounts: 2, firstBack });
const weekly = (alias = 'work', resetsAt: number | undefined = NOW + 3 * DAY): Notice => ({
  kind: 'weekly-threshold',
  accountId: `id-${alias}`,
  alias,
  usedPercent: 92.4,
  threshold: 90,
  resetsAt,
});
const settings: Notice = { kind: 'settings-invalid', variables: ['OPENCODE_MULTI_AUTH_STRATEGY', 'OPENCODE_MULTI_AUTH_TYPO'] };

const at = (level: NotifyLevel, cooldownMs = 30 * MINUTE): NotifySettings => ({ level, cooldownMs });

describe('decideToasts: which notices become toasts', () => {
  const cases: Array<{ name: string; notices: Notice[]; level: NotifyLevel; quiet?: QuietUntil; now?: number; titles: string[] }> = [
    { name: 'a session move, at all', notices: [moved()], level: 'all', titles: ['Account switched: work → personal'] },
    { name: 'a session move is not an error', notices: [moved()], level: 'errors', titles: [] },
    { name: 'nothing at off', notices: [moved(), relogin(), allOut(), weekly(), settings], level: 'off', titles: [] },
    {
      name: 'the ones that need the user at errors',
      notices: [moved(), relogin(), allOut(), weekly(), settings],
      level: 'errors',
      titles: ['work needs a new sign-in', 'All 2 accounts are out', 'opencode-multi-auth: settings ignored'],
    },
    {
      name: 'one toast per cause in one batch',
      notices: [moved('work', 'personal'), moved('work', 'spare')],
      level: 'all',
      titles: ['Account switched: work → personal'],
    },
    {
      name: 'another account moving sessions is another cause',
      notices: [moved('work'), moved('spare')],
      level: 'all',
      titles: ['Account switched: work → personal', 'Account switched: spare → personal'],
    },
    { name: 'a cause still quiet shows nothing', notices: [moved()], level: 'all', quiet: { 'moved-from:id-work': NOW + MINUTE }, titles: [] },
    {
      name: 'a cause whose quiet ended shows again',
      notices: [moved()],
      level: 'all',
      quiet: { 'moved-from:id-work': NOW },
      titles: ['Account switched: work → personal'],
    },
    {
      name: 'a quiet cause does not silence another',
      notices: [relogin('spare')],
      level: 'all',
      quiet: { 'relogin:id-work': NOW + HOUR },
      titles: ['spare needs a new sign-in'],
    },
    { name: 'a weekly warning', notices: [weekly()], level: 'all', titles: ['work: 92% of the weekly limit used'] },
  ];
  it.each(cases)('$name', ({ notices, level, quiet, now, titles }) => {
    const decision = decideToasts(notices, quiet ?? {}, at(level), now ?? NOW);
    expect(decision.toasts.map((toast) => toast.title)).toEqual(titles);
  });

  it('never shows one toast per request: the same cause again within the cooldown is dropped', () => {
    let quiet: QuietUntil = {};
    const shown: number[] = [];
    // A request every 10 s for an hour, every one of them moving a session away from the same account.
    for (let t = NOW; t < NOW + HOUR; t += 10_000) {
      const decision = decideToasts([moved()], quiet, at('all', 30 * MINUTE), t);
      quiet = decision.quietUntil;
      if (decision.toasts.length > 0) shown.push(t);
    }
    expect(shown).toEqual([NOW, NOW + 30 * MINUTE]);
  });

  it('keeps a weekly warning quiet until its window resets, however short the cooldown', () => {
    const first = decideToasts([weekly()], {}, at('all', MINUTE), NOW);
    expect(first.toasts).toHaveLength(1);
    expect(decideToasts([weekly()], first.quietUntil, at('all', MINUTE), NOW + 2 * DAY).toasts).toHaveLength(0);
    expect(decideToasts([weekly('work', NOW + 10 * DAY)], first.quietUntil, at('all', MINUTE), NOW + 3 * DAY).toasts).toHaveLength(1);
  });

  it('says ignored settings once per process', () => {
    const first = decideToasts([settings], {}, at('all', MINUTE), NOW);
    expect(decideToasts([settings], first.quietUntil, at('all', MINUTE), NOW + 30 * DAY).toasts).toHaveLength(0);
  });

  it('forgets causes whose quiet has ended, so the state does not grow', () => {
    const decision = decideToasts([], { 'moved-from:a': NOW - 1, 'relogin:b': NOW + MINUTE }, at('all'), NOW);
    expect(decision.quietUntil).toEqual({ 'relogin:b': NOW + MINUTE });
  });

  it('does not change the state it was given', () => {
    const quiet = Object.freeze({ 'relogin:id-spare': NOW + HOUR });
    decideToasts([moved()], quiet, at('all'), NOW);
    expect(quiet).toEqual({ 'relogin:id-spare': NOW + HOUR });
  });
});

describe('the words of each toast', () => {
  const toast = (notice: Notice) => decideToasts([notice], {}, at('all'), NOW).toasts[0]!;

  it('names both accounts of a move and why', () => {
    const shown = toast(moved());
    expect(shown).toMatchObject({ variant: 'info' });
    expect(shown.message).toBe(
      'A session moved from work to personal because work: 5h limit (100% used) until 14:32 (in 4h 32m). Its prompt cache starts over on personal.',
    );
  });

  it('gives the exact command for a new sign-in', () => {
    expect(toast(relogin('work')).message).toContain('Run: opencode-multi-auth login work');
  });

  it('says which account comes back first, and when', () => {
    const shown = toast(allOut({ alias: 'personal', at: NOW + 2 * HOUR + 5 * MINUTE }));
    expect(shown.variant).toBe('error');
    expect(shown.message).toContain(`First back: personal at ${formatMoment(NOW + 2 * HOUR + 5 * MINUTE, NOW)}.`);
    expect(shown.message).toContain('(in 2 h 5 min)');
    expect(toast(allOut()).message).toContain('None comes back by itself.');
    expect(toast({ kind: 'all-accounts-out', accounts: 3, pinnedAlias: 'work' }).title).toBe('Pinned account work cannot serve');
    expect(toast({ kind: 'all-accounts-out', accounts: 1 }).title).toBe('The only account is out');
  });

  it('gives the weekly percent, the threshold and the reset', () => {
    const shown = toast(weekly());
    expect(shown.message).toContain('work has used 92% of its weekly window (warning at 90%).');
    expect(shown.message).toContain(`It resets ${formatMoment(NOW + 3 * DAY, NOW)}.`);
  });

  it('names each ignored setting', () => {
    expect(toast(settings).message).toBe(
      'OPENCODE_MULTI_AUTH_STRATEGY, OPENCODE_MULTI_AUTH_TYPO are not valid, so the default applies. Details: opencode-multi-auth doctor',
    );
  });

  it('keeps every toast short enough for a toast', () => {
    for (const notice of [moved(), relogin(), allOut({ alias: 'personal', at: NOW + HOUR }), weekly(), settings]) {
      const shown = toast(notice);
      expect(shown.message.length).toBeLessThanOrEqual(200);
      expect(shown.duration).toBeGreaterThanOrEqual(5_000);
      expect(shown.duration).toBeLessThanOrEqual(10_000);
    }
  });
});
