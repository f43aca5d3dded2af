import type { Strategy } from '../config/config.js';
import type { Account, StoreData } from '../store/schema.js';
import { availableAgainAt, exclusionsOf, isEligible, type EligibilityContext, type Exclusion } from './exclusion.js';
import { compareByHeadroom, headroomOf } from './headroom.js';

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
}

/** What the rotator remembers between requests. */
export interface RotationMemory {
  /** The account that last served this request's session. */
  sessionAccountId?: string;
  /** The account round-robin handed out last. */
  lastRoundRobinId?: string;
}

export type ChoiceReason = 'pinned' | 'session' | 'most-headroom' | 'round-robin';

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

/** Most headroom; ties to the soonest reset, then to the account used longest ago (spreads new sessions). */
function pickMostHeadroom(candidates: readonly Account[], context: EligibilityContext): Account | undefined {
  let best: Account | undefined;
  let bestHeadroom: ReturnType<typeof headroomOf> | undefined;
  for (const account of candidates) {
    const headroom = headroomOf(account, context.now, context.snapshotStaleAfterMs);
    if (!best || !bestHeadroom) {
      best = account;
      bestHeadroom = headroom;
      continue;
    }
    const order = compareByHeadroom(headroom, bestHeadroom);
    if (order < 0 || (order === 0 && (account.stats.lastUsedAt ?? 0) < (best.stats.lastUsedAt ?? 0))) {
      best = account;
      bestHeadroom = headroom;
    }
  }
  return best;
}

function pickRoundRobin(accounts: readonly Account[], eligible: readonly Account[], lastId: string | undefined): Account | undefined {
  if (eligible.length === 0) return undefined;
  const lastIndex = lastId === undefined ? -1 : accounts.findIndex((account) => account.id === lastId);
  for (let step = 1; step <= accounts.length; step++) {
    const account = accounts[(lastIndex + step + accounts.length) % accounts.length]!;
    if (eligible.includes(account)) return account;
  }
  return eligible[0];
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
    pauseAtPercent: settings.pauseAtPercent,
    snapshotStaleAfterMs: settings.snapshotStaleAfterMs,
  };

  const pinned = activePin(data, request.now);
  if (pinned) {
    if (usable(pinned, request, context)) return { ok: true, account: pinned, reason: 'pinned' };
    const verdicts = explain([pinned], request, context);
    return { ok: false, verdicts, firstAvailableAt: verdicts[0]?.availableAt, pinnedAlias: pinned.alias };
  }

  if (settings.strategy === 'sticky' && memory.sessionAccountId !== undefined) {
    const current = data.accounts.find((account) => account.id === memory.sessionAccountId);
    if (current && usable(current, request, context)) return { ok: true, account: current, reason: 'session' };
  }

  const eligible = data.accounts.filter((account) => usable(account, request, context));
  const chosen =
    settings.strategy === 'round-robin'
      ? pickRoundRobin(data.accounts, eligible, memory.lastRoundRobinId)
      : pickMostHeadroom(eligible, context);
  if (chosen) return { ok: true, account: chosen, reason: settings.strategy === 'round-robin' ? 'round-robin' : 'most-headroom' };

  const verdicts = explain(data.accounts, request, context);
  const firstAvailableAt = verdicts.find((verdict) => verdict.availableAt !== undefined)?.availableAt;
  return { ok: false, verdicts, firstAvailableAt };
}
