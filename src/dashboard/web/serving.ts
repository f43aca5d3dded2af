import type { ServingView, SessionView } from '../serving-view.js';
import { el, text } from './dom.js';
import { timeSpan, type PageClock } from './page-clock.js';

const STRATEGY_WORDS: Record<ServingView['strategy'], string> = {
  pace: 'pace: a session stays on its account while it can serve; a new one takes the account whose weekly quota is most at risk of expiring unused',
  sticky: 'sticky: a session stays on its account while it can serve',
  'round-robin': 'round-robin: each request goes to the next account in turn',
  'least-used': 'least-used: every request goes to the account with the most headroom',
};

/** `ses_7f3a2b9c…`: enough to recognise a session, short enough for a phone. */
function shortSessionId(sessionId: string): string {
  return sessionId.length > 14 ? `${sessionId.slice(0, 12)}…` : sessionId;
}

function sessionRow(clock: PageClock, session: SessionView): HTMLElement {
  const next = session.next;
  return el(
    'li',
    {
      class: 'session',
      'data-session-id': session.sessionId,
      'data-account-id': session.accountId,
      'data-live': String(session.live),
      'data-moves': String(next.moves),
    },
    [
      el('div', { class: 'session-head' }, [
        el('code', { class: 'session-id', title: session.sessionId, text: shortSessionId(session.sessionId) }),
        text(' on '),
        el('strong', { class: 'session-account', text: session.alias ?? '(removed account)' }),
        session.live ? el('span', { class: 'live', text: 'live' }) : null,
        el('span', { class: 'meta' }, [text(' last request '), timeSpan(clock, session.lastServedAt)]),
      ]),
      el('div', { class: 'session-next' }, [
        text('next request: '),
        el('strong', { class: 'session-next-account', text: next.alias ?? 'no account' }),
        text(next.moves && next.accountId !== null ? ' (moves) — ' : ' — '),
        el('span', { class: 'why', text: next.why }),
      ]),
    ],
  );
}

/** The "Who serves now" panel: the account a new session gets, with the rotator's reason, and each recent session. */
export function renderServing(box: HTMLElement, clock: PageClock, serving: ServingView, hasAccounts: boolean): void {
  const next = serving.newSession;
  const nextLine = el('p', { class: 'next-account', 'data-account-id': next.accountId, 'data-reason': next.reason }, [
    text('A new session goes to '),
    el('strong', { class: 'next-alias', text: next.alias ?? 'no account' }),
    text(' — '),
    el('span', { class: 'why', text: next.why }),
  ]);
  const sessions =
    serving.sessions.length > 0
      ? el(
          'ul',
          { class: 'sessions' },
          serving.sessions.map((session) => sessionRow(clock, session)),
        )
      : el('p', { class: 'empty', text: hasAccounts ? 'No session in the last 24 hours.' : 'No accounts yet.' });
  box.replaceChildren(
    nextLine,
    sessions,
    el('p', { class: 'hint', text: `Strategy ${STRATEGY_WORDS[serving.strategy]}. Decided by the plugin's own rotator, for any model.` }),
  );
}
