import type { Strategy } from '../config/config.js';
import type { Account, StoreData } from '../store/schema.js';
import { availableAgainAt, exclusionsOf, isEligible, type EligibilityContext, type Exclusion } from './exclusion.js';
import { familyOfModel } from '../usage/limit-families.js';
import { percentLeftOf, soonestResetOf } from './headroom.js';
import { atLimitEdge, riskScoreOf } from './pace.js';

export interface ChoiceRequest {
  now: number;
  model?: string;
  /** OpenCode's session id; sticky routing keeps a session on one account. */
  sessionId?: string;
  /** Accounts already tried for this request: each account at most once. */
  tried: ReadonlySet<string>;
}

export interface ChoiceSettings {
  strategy: Strategy;
  pauseAtPercent: number;
  snapshotStaleAfterMs: number;
  /** OPENCODE_MULTI_AUTH_USE_CREDITS: an account with credits stays eligible past its limits. Default false. */
  useCredits?: boolean;
}

/** What the rotator remembers between requests. */
export interface RotationMemory {
  /** The account that last served this request's session. */
  sessionAccountId?: string;
  /** The account round-robin handed out last. */
  lastRoundRobinId?: string;
}

/**
 * Why this account: a pin; the session's own account; the most quota at risk of expiring unused
 * (`pace`, for a session that needs an account); the same for a session whose account was left at the
 * edge of a limit by its last reply (`limit-edge`); the most headroom (`sticky`, `least-used`); or the
 * next in turn.
 */
export type ChoiceReason = 'pinned' | 'session' | 'most-at-risk' | 'limit-edge' | 'most-headroom' | 'round-robin';

export interface AccountVerdict {
  account: Account;
  exclusions: Exclusion[];
  /** When it could serve again without a person doing anything, epoch ms. */
  availableAt?: number;
}

export type Choice =
  | { ok: true; account: Account; reason: ChoiceReason }
  | {
      ok: false;
      /** Every account and why it was left out, soonest back first. */
      verdicts: AccountVerdict[];
      /** When the first account comes back on its own, epoch ms. */
      firstAvailableAt?: number;
      pinnedAlias?: string;
    };

function activePin(data: StoreData, now: number): Account | undefined {
  const pin = data.pin;
  if (!pin || (pin.until !== undefined && pin.until <= now)) return undefined;
  return data.accounts.find((account) => account.id === pin.accountId);
}

function usable(account: Account, request: ChoiceRequest, context: EligibilityContext): boolean {
  return !request.tried.has(account.id) && isEligible(account, context);
}

/**
 * In one pass, the usable account with the most headroom; ties go to the soonest reset, then to the
 * account used longest ago (spreads new sessions). No arrays or objects per account: it runs on every request.
 */
function pickMostHeadroom(accounts: readonly Account[], request: ChoiceRequest, context: EligibilityContext): Account | undefined {
  const { now, snapshotStaleAfterMs } = context;
  let best: Account | undefined;
  let bestLeft = -1;
  let bestReset = Number.POSITIVE_INFINITY;
  let bestUsedAt = 0;
  for (const account of accounts) {
    if (!usable(account, request, context)) continue;
    const left = percentLeftOf(account, now, snapshotStaleAfterMs);
    if (left < bestLeft) continue;
    const reset = soonestResetOf(account, now, snapshotStaleAfterMs);
    const usedAt = account.stats.lastUsedAt ?? 0;
    if (left === bestLeft && (reset > bestReset || (reset === bestReset && usedAt >= bestUsedAt))) continue;
    best = account;
    bestLeft = left;
    bestReset = reset;
    bestUsedAt = usedAt;
  }
  return best;
}

/** Today's ranking, for a tie in pace: more headroom, then the sooner reset, then used longer ago. */
function beatsOnTie(challenger: Account, holder: Account, now: number, staleAfterMs: number): boolean {
  const left = percentLeftOf(challenger, now, staleAfterMs) - percentLeftOf(holder, now, staleAfterMs);
  if (left !== 0) return left > 0;
  const reset = soonestResetOf(challenger, now, staleAfterMs) - soonestResetOf(holder, now, staleAfterMs);
  if (reset !== 0 && !Number.isNaN(reset)) return reset < 0;
  return (challenger.stats.lastUsedAt ?? 0) < (holder.stats.lastUsedAt ?? 0);
}

/**
 * In one pass, the usable account whose quota is most at risk of expiring unused (see {@link riskScoreOf});
 * accounts at the edge of a limit ({@link atLimitEdge}) last; ties go to today's ranking (most
 * headroom, soonest reset, used longest ago). Allocates nothing.
 */
function pickMostAtRisk(accounts: readonly Account[], request: ChoiceRequest, context: EligibilityContext): Account | undefined {
  const { now, snapshotStaleAfterMs } = context;
  let best: Account | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const account of accounts) {
    if (!usable(account, request, context)) continue;
    const score = riskScoreOf(account, now, snapshotStaleAfterMs);
    if (score < bestScore) continue;
    if (score === bestScore && best !== undefined && !beatsOnTie(account, best, now, snapshotStaleAfterMs)) continue;
    best = account;
    bestScore = score;
  }
  return best;
}

/** The next usable account after the one handed out last, in store order. */
function pickRoundRobin(accounts: readonly Account[], request: ChoiceRequest, context: EligibilityContext, lastId: string | undefined): Account | undefined {
  const lastIndex = lastId === undefined ? -1 : accounts.findIndex((account) => account.id === lastId);
  for (let step = 1; step <= accounts.length; step++) {
    const account = accounts[(lastIndex + step) % accounts.length]!;
    if (usable(account, request, context)) return account;
  }
  return undefined;
}

function explain(accounts: readonly Account[], request: ChoiceRequest, context: EligibilityContext): AccountVerdict[] {
  const verdicts = accounts.map((account): AccountVerdict => {
    const exclusions = exclusionsOf(account, context);
    // Only worth saying when nothing else explains it (a 5xx or network failure during this request).
    if (request.tried.has(account.id) && exclusions.length === 0) exclusions.push({ kind: 'already-tried' });
    return { account, exclusions, availableAt: availableAgainAt(exclusions) };
  });
  return verdicts.sort((a, b) => (a.availableAt ?? Infinity) - (b.availableAt ?? Infinity));
}

/**
 * Chooses the account for one attempt of one request. Pure: the same data, request, memory and
 * settings always give the same choice. When none can serve, says why for every account.
 */
export function chooseAccount(data: StoreData, request: ChoiceRequest, memory: RotationMemory, settings: ChoiceSettings): Choice {
  const context: EligibilityContext = {
    now: request.now,
    model: request.model,
    family: familyOfModel(data, request.model),
    pauseAtPercent: settings.pauseAtPercent,
    snapshotStaleAfterMs: settings.snapshotStaleAfterMs,
    useCredits: settings.useCredits ?? false,
  };

  const pinned = activePin(data, request.now);
  if (pinned) {
    if (usable(pinned, request, context)) return { ok: true, account: pinned, reason: 'pinned' };
    const verdicts = explain([pinned], request, context);
    return { ok: false, verdicts, firstAvailableAt: verdicts[0]?.availableAt, pinnedAlias: pinned.alias };
  }

  const { strategy } = settings;
  if ((strategy === 'pace' || strategy === 'sticky') && memory.sessionAccountId !== undefined) {
    const current = data.accounts.find((account) => account.id === memory.sessionAccountId);
    if (current && usable(current, request, context)) {
      if (strategy === 'sticky' || !atLimitEdge(current, request.now, settings.snapshotStaleAfterMs)) return { ok: true, account: current, reason: 'session' };
      // Its last reply left it at the edge of a window: the next request there would most likely be
      // refused. Move now if another account can serve and is not at an edge itself; else stay.
      const elsewhere = pickMostAtRisk(data.accounts, request, context);
      if (elsewhere && elsewhere !== current && !atLimitEdge(elsewhere, request.now, settings.snapshotStaleAfterMs)) {
        return { ok: true, account: elsewhere, reason: 'limit-edge' };
      }
      return { ok: true, account: current, reason: 'session' };
    }
  }

  if (strategy === 'round-robin') {
    const chosen = pickRoundRobin(data.accounts, request, context, memory.lastRoundRobinId);
    if (chosen) return { ok: true, account: chosen, reason: 'round-robin' };
  } else if (strategy === 'pace') {
    const chosen = pickMostAtRisk(data.accounts, request, context);
    if (chosen) return { ok: true, account: chosen, reason: 'most-at-risk' };
  } else {
    const chosen = pickMostHeadroom(data.accounts, request, context);
    if (chosen) return { ok: true, account: chosen, reason: 'most-headroom' };
  }

  const verdicts = explain(data.accounts, request, context);
  const firstAvailableAt = verdicts.find((verdict) => verdict.availableAt !== undefined)?.availableAt;
  return { ok: false, verdicts, firstAvailableAt };
}
