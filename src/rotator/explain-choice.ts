import type { Strategy } from '../config/config.js';
import { formatDuration } from '../config/duration.js';
import type { Account, StoreData } from '../store/schema.js';
import type { ChoiceReason } from './choose-account.js';
import { chooseAccount } from './choose-account.js';
import { exclusionsOf, type EligibilityContext } from './exclusion.js';
import { describeExclusions } from './explain.js';
import { percentLeftOf } from './headroom.js';
import { atLimitEdge, paceDetailOf, type PaceDetail } from './pace.js';

const HOUR_MS = 3_600_000;

/** `3.2 units/h`: how fast this account's quota must be spent for none of it to expire. */
export function formatPace(pace: number): string {
  return `${pace >= 10 ? pace.toFixed(1) : pace.toFixed(pace >= 0.1 ? 2 : 3)} units/h`;
}

/** The numbers behind a pace, in words: `24.0 units left (pro ×10), weekly reset in 1d 7h`. */
export function describePace(account: Account, detail: PaceDetail): string {
  const units = `${detail.unitsLeft.toFixed(1)} units left (${account.plan ?? 'plan unknown'} ×${detail.weight})`;
  if (detail.basis === 'no-weekly-reset') return `${units}, weekly reset unknown: counted as a week away`;
  const room = detail.fiveHourRoom < 1 ? `, 5h window nearly full: ×${detail.fiveHourRoom.toFixed(2)}` : '';
  return `${units}, weekly reset in ${formatDuration(Math.round(detail.hoursToReset * HOUR_MS))}${room}`;
}

/** One account as a new session would see it: its rank among the eligible, or why it is out. */
export interface AccountStanding {
  account: Account;
  eligible: boolean;
  /** Why it is out; empty when eligible. */
  reasons: string[];
  pace: PaceDetail;
  /** At the edge of a limit: chosen for a new session only when nothing else can serve. */
  atEdge: boolean;
  percentLeft: number;
}

export interface NewSessionExplanation {
  strategy: Strategy;
  /** Where a new session would go now, and why (undefined when nothing can serve). */
  chosen?: { account: Account; reason: ChoiceReason };
  /** Every account, most at risk first; ineligible ones last. */
  standings: AccountStanding[];
}

/**
 * Where a new session would go right now and why, with every account's standing. Pure, and built from
 * the same functions the rotator uses, so it cannot drift from what the rotator does. Not on the hot path.
 */
export function explainNewSession(
  data: StoreData,
  now: number,
  settings: { strategy: Strategy; pauseAtPercent: number; snapshotStaleAfterMs: number },
  model?: string,
): NewSessionExplanation {
  const context: EligibilityContext = { now, model, pauseAtPercent: settings.pauseAtPercent, snapshotStaleAfterMs: settings.snapshotStaleAfterMs };
  const choice = chooseAccount(data, { now, model, tried: new Set() }, {}, settings);
  const standings = data.accounts.map((account): AccountStanding => {
    const reasons = describeExclusions(exclusionsOf(account, context), now, account.alias);
    return {
      account,
      eligible: reasons.length === 0,
      reasons,
      pace: paceDetailOf(account, now, settings.snapshotStaleAfterMs),
      atEdge: atLimitEdge(account, now, settings.snapshotStaleAfterMs),
      percentLeft: percentLeftOf(account, now, settings.snapshotStaleAfterMs),
    };
  });
  const rank = (standing: AccountStanding) => (!standing.eligible ? 2 : standing.atEdge ? 1 : 0);
  standings.sort((a, b) => rank(a) - rank(b) || b.pace.pace - a.pace.pace || b.percentLeft - a.percentLeft);
  return { strategy: settings.strategy, chosen: choice.ok ? { account: choice.account, reason: choice.reason } : undefined, standings };
}

/** Why the rotator chose this account, in one sentence, for the decision record. */
export function describeChoiceReason(reason: ChoiceReason, account: Account | undefined, now: number, snapshotStaleAfterMs: number): string {
  const pace = account ? paceDetailOf(account, now, snapshotStaleAfterMs) : undefined;
  const paceText = account && pace ? `${formatPace(pace.pace)}: ${describePace(account, pace)}` : '';
  switch (reason) {
    case 'pinned':
      return 'the pinned account';
    case 'session':
      return "the session's own account, still eligible";
    case 'most-at-risk':
      return `the account whose quota is most at risk of expiring unused (${paceText})`;
    case 'limit-edge':
      return `the session's account was left at the edge of a limit by its last reply; moved to the account most at risk of expiring unused (${paceText})`;
    case 'most-headroom':
      return `the account with the most headroom (${account ? Math.round(percentLeftOf(account, now, snapshotStaleAfterMs)) : '?'}% left)`;
    case 'round-robin':
      return 'the next account in turn';
  }
}
