import { describeChoiceReason } from '../rotator/explain-choice.js';
import type { Strategy } from '../config/config.js';
import type { Choice, ChoiceReason, ChoiceSettings } from '../rotator/choose-account.js';
import { exclusionsOf, type EligibilityContext } from '../rotator/exclusion.js';
import { describeExclusions, describeNoEligibleAccount } from '../rotator/explain.js';
import { percentLeftOf } from '../rotator/headroom.js';
import { AccountRotator } from '../rotator/rotator.js';
import { redact } from '../log/redact.js';
import type { Account, StoreData } from '../store/schema.js';

/*
 * "Who serves now?", answered by the rotator itself: the page's answer for a new session and for each
 * recent session is what `AccountRotator.choose` returns for that request, the very call the plugin
 * makes on every request. Nothing here decides; it only puts the decision into words.
 */

/** A session served this recently counts as live. */
export const LIVE_SESSION_MS = 15 * 60_000;
/** Sessions older than this are not shown. */
const RECENT_SESSION_MS = 24 * 3_600_000;
/** At most this many sessions are shown, the most recently served first. */
export const SESSIONS_SHOWN = 8;

export interface NextAccountView {
  /** The account the rotator chooses, or null when none can serve. */
  accountId: string | null;
  alias: string | null;
  /** The rotator's own reason, or `none`. */
  reason: ChoiceReason | 'none';
  /** The reason in words. */
  why: string;
}

export interface SessionView {
  sessionId: string;
  /** The account that served the session last. */
  accountId: string;
  /** Null when that account has since been removed. */
  alias: string | null;
  lastServedAt: number;
  live: boolean;
  /** Where its next request goes, and whether that is a move (which costs the prompt cache). */
  next: NextAccountView & { moves: boolean };
}

export interface ServingView {
  strategy: Strategy;
  /** The account a new session would get right now. */
  newSession: NextAccountView;
  sessions: SessionView[];
}

/** The account that served a request last, in any process. */
function lastUsedOf(data: StoreData): Account | undefined {
  let lastUsed: Account | undefined;
  for (const account of data.accounts) {
    if ((account.stats.lastUsedAt ?? 0) > (lastUsed?.stats.lastUsedAt ?? 0)) lastUsed = account;
  }
  return lastUsed;
}

function othersInWords(data: StoreData, chosen: Account, context: EligibilityContext): string {
  const others = data.accounts
    .filter((account) => account.id !== chosen.id)
    .map((account) => {
      const reasons = describeExclusions(exclusionsOf(account, context), context.now, account.alias);
      return reasons.length > 0
        ? `${account.alias}: ${reasons.join('; ')}`
        : `${account.alias}: ${percentLeftOf(account, context.now, context.snapshotStaleAfterMs)}% left`;
    });
  return others.length > 0 ? ` (${others.join(', ')})` : '';
}

function inWords(choice: Choice, data: StoreData, settings: ChoiceSettings, now: number, lastUsedAlias: string | null, withOthers = true): NextAccountView {
  if (!choice.ok) {
    return { accountId: null, alias: null, reason: 'none', why: redact(describeNoEligibleAccount(choice, now)) };
  }
  const { account, reason } = choice;
  const context: EligibilityContext = { now, pauseAtPercent: settings.pauseAtPercent, snapshotStaleAfterMs: settings.snapshotStaleAfterMs };
  const left = percentLeftOf(account, now, settings.snapshotStaleAfterMs);
  const why = (() => {
    switch (reason) {
      case 'pinned':
        return `pinned: every request goes to ${account.alias}`;
      case 'session':
        return `stays on ${account.alias}, which can still serve (keeps its prompt cache)`;
      case 'round-robin':
        return lastUsedAlias ? `round-robin: the next in turn after ${lastUsedAlias}` : 'round-robin: the first in turn';
      case 'most-headroom':
        return `most headroom: ${left}% left${withOthers ? othersInWords(data, account, context) : ''}`;
      case 'most-at-risk':
      case 'limit-edge':
        return `${describeChoiceReason(reason, account, now, settings.snapshotStaleAfterMs)}${withOthers ? othersInWords(data, account, context) : ''}`;
    }
  })();
  return { accountId: account.id, alias: account.alias, reason, why: redact(why) };
}

/** Who serves a new session now, and each recent session's account and where its next request goes. */
export function servingView(data: StoreData, settings: ChoiceSettings, now: number): ServingView {
  // What a rotator in a plugin process would hold: round-robin goes on after the account used last.
  const rotator = new AccountRotator(settings);
  const lastUsed = lastUsedOf(data);
  if (lastUsed) rotator.served(lastUsed.id, undefined);
  const lastUsedAlias = lastUsed?.alias ?? null;
  const newSession = inWords(rotator.choose(data, { now, tried: new Set() }), data, settings, now, lastUsedAlias);
  const context: EligibilityContext = { now, pauseAtPercent: settings.pauseAtPercent, snapshotStaleAfterMs: settings.snapshotStaleAfterMs };

  const recent = Object.entries(data.sessions)
    .filter(([, session]) => session.at >= now - RECENT_SESSION_MS)
    .sort(([, a], [, b]) => b.at - a.at)
    .slice(0, SESSIONS_SHOWN);
  const sessions = recent.map(([sessionId, session]): SessionView => {
    // The others are listed once, for a new session; a session's line only says where it goes and why.
    const next = inWords(rotator.choose(data, { now, sessionId, tried: new Set() }), data, settings, now, lastUsedAlias, false);
    const account = data.accounts.find((candidate) => candidate.id === session.accountId);
    const moves = next.accountId !== session.accountId;
    let why = next.why;
    if (moves && next.accountId !== null && next.reason !== 'pinned') {
      const away = account
        ? `${account.alias} cannot serve (${describeExclusions(exclusionsOf(account, context), now, account.alias).join('; ')})`
        : 'its account was removed';
      why = redact(`${away}; moves to ${next.alias} (${next.why})`);
    }
    return {
      sessionId,
      accountId: session.accountId,
      alias: account?.alias ?? null,
      lastServedAt: session.at,
      live: session.at >= now - LIVE_SESSION_MS,
      next: { ...next, why, moves },
    };
  });
  return { strategy: settings.strategy, newSession, sessions };
}
