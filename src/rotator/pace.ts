import type { Account } from '../store/schema.js';
import { isSnapshotStale } from '../usage/staleness.js';
import { percentLeftOf } from './headroom.js';
import { planWeight } from './plan-weights.js';

const HOUR_MS = 3_600_000;
/** A weekly window, in hours: the horizon of an account whose weekly reset is not known. */
export const WEEK_HOURS = 168;
/** Hours until a reset are never counted below this (a reset a second away must not divide by ~0). */
export const MIN_HOURS_TO_RESET = 0.25;
/** Below this many points left in the 5-hour window, new sessions are steered away in proportion. */
export const FIVE_HOUR_ROOM_POINTS = 30;
const MIN_FIVE_HOUR_ROOM = 0.01;
/** A 5-hour window with fewer points than this left is at its edge (about one turn of a Plus window). */
export const FIVE_HOUR_EDGE_POINTS = 2;
/** A weekly window with fewer Plus-units than this left is at its edge (1 unit = 1 % of a Plus week). */
export const WEEKLY_EDGE_UNITS = 1.5;

/** How an account's pace was worked out: from its weekly window, or (reset unknown) from today's headroom. */
export type PaceBasis = 'weekly-reset' | 'no-weekly-reset';

/**
 * The weekly window that says how much quota expires when: known when a snapshot names a reset still
 * ahead. Its age does not matter here (unlike for pausing): within one window usage only grows and the
 * reset time does not move, so an older percent is an upper bound on what is left.
 */
function weeklyAhead(account: Account, now: number): { usedPercent: number; resetsAt: number } | undefined {
  const weekly = account.usage.weekly;
  if (weekly?.resetsAt === undefined || weekly.resetsAt <= now) return undefined;
  return { usedPercent: weekly.usedPercent, resetsAt: weekly.resetsAt };
}

/**
 * 1 while the 5-hour window has room for a new session, shrinking towards 0 over its last
 * FIVE_HOUR_ROOM_POINTS: a session placed there would soon have to move (cold prompt cache, and
 * likely a refused request on the way).
 */
export function fiveHourRoom(account: Account, now: number, staleAfterMs: number): number {
  const fiveHour = account.usage.fiveHour;
  if (fiveHour === undefined || isSnapshotStale(fiveHour, now, staleAfterMs)) return 1;
  const left = 100 - fiveHour.usedPercent;
  return left >= FIVE_HOUR_ROOM_POINTS ? 1 : Math.max(MIN_FIVE_HOUR_ROOM, left / FIVE_HOUR_ROOM_POINTS);
}

/**
 * How much of this account's quota is at risk of expiring unused: the weekly units left (percent left ×
 * the plan's weight, see PLAN_WEIGHTS) per hour until the weekly window resets, times its
 * {@link fiveHourRoom}. The higher, the faster this account must be used for none of it to go to waste.
 * An account with no weekly reset known is scored as if its window had a whole week to go (the least
 * urgent a window can be), with today's headroom (percent left in its tightest window) as what is left.
 * Allocates nothing: it runs per account for every new session.
 */
export function paceOf(account: Account, now: number, staleAfterMs: number): number {
  const weight = planWeight(account.plan);
  const weekly = weeklyAhead(account, now);
  if (weekly === undefined) return (weight * percentLeftOf(account, now, staleAfterMs)) / 100 / WEEK_HOURS;
  const unitsLeft = (weight * Math.max(0, 100 - weekly.usedPercent)) / 100;
  const hours = Math.max(MIN_HOURS_TO_RESET, (weekly.resetsAt - now) / HOUR_MS);
  return (unitsLeft / hours) * fiveHourRoom(account, now, staleAfterMs);
}

/** The numbers behind {@link paceOf}, for the decision record and `status --explain`. */
export interface PaceDetail {
  pace: number;
  basis: PaceBasis;
  /** The plan's weight (Plus = 1). */
  weight: number;
  /** Weighted units left in the weekly window, or today's headroom as units when no reset is known. */
  unitsLeft: number;
  /** Hours until the weekly window resets; a week when unknown. */
  hoursToReset: number;
  /** The 5-hour factor (1 = room to spare); always 1 when no reset is known. */
  fiveHourRoom: number;
}

export function paceDetailOf(account: Account, now: number, staleAfterMs: number): PaceDetail {
  const weight = planWeight(account.plan);
  const weekly = weeklyAhead(account, now);
  if (weekly === undefined) {
    const unitsLeft = (weight * percentLeftOf(account, now, staleAfterMs)) / 100;
    return { pace: unitsLeft / WEEK_HOURS, basis: 'no-weekly-reset', weight, unitsLeft, hoursToReset: WEEK_HOURS, fiveHourRoom: 1 };
  }
  const unitsLeft = (weight * Math.max(0, 100 - weekly.usedPercent)) / 100;
  const hoursToReset = Math.max(MIN_HOURS_TO_RESET, (weekly.resetsAt - now) / HOUR_MS);
  const room = fiveHourRoom(account, now, staleAfterMs);
  return { pace: (unitsLeft / hoursToReset) * room, basis: 'weekly-reset', weight, unitsLeft, hoursToReset, fiveHourRoom: room };
}

/**
 * True when the account's last snapshot leaves a window at the edge of its limit. Reply headers describe
 * usage before the request, so the turn just served has probably crossed the line: the next request
 * there would most likely be refused, a round trip wasted. Only fresh snapshots count.
 */
export function atLimitEdge(account: Account, now: number, staleAfterMs: number): boolean {
  const fiveHour = account.usage.fiveHour;
  if (fiveHour !== undefined && !isSnapshotStale(fiveHour, now, staleAfterMs) && fiveHour.usedPercent >= 100 - FIVE_HOUR_EDGE_POINTS) return true;
  const weekly = account.usage.weekly;
  return weekly !== undefined && !isSnapshotStale(weekly, now, staleAfterMs) && planWeight(account.plan) * (100 - weekly.usedPercent) < WEEKLY_EDGE_UNITS;
}

/** The score of an account at the edge of a limit: below every other, so it is chosen only when nothing else can serve. */
export const EDGE_SCORE = -0.5;

/**
 * What the pace strategy ranks new sessions by, in one read of each snapshot: {@link EDGE_SCORE} for an
 * account {@link atLimitEdge}, else {@link paceOf}. The same numbers as those two (a table test holds
 * them together), written out without repeated lookups: it runs for every account on every new session.
 */
export function riskScoreOf(account: Account, now: number, staleAfterMs: number): number {
  const { fiveHour, weekly } = account.usage;
  const fiveHourUsed = fiveHour !== undefined && !isSnapshotStale(fiveHour, now, staleAfterMs) ? fiveHour.usedPercent : undefined;
  if (fiveHourUsed !== undefined && fiveHourUsed >= 100 - FIVE_HOUR_EDGE_POINTS) return EDGE_SCORE;
  const weight = planWeight(account.plan);
  const weeklyFresh = weekly !== undefined && !isSnapshotStale(weekly, now, staleAfterMs);
  if (weeklyFresh && weight * (100 - weekly.usedPercent) < WEEKLY_EDGE_UNITS) return EDGE_SCORE;
  if (weekly?.resetsAt === undefined || weekly.resetsAt <= now) {
    const used = Math.max(fiveHourUsed ?? 0, weeklyFresh ? weekly!.usedPercent : 0);
    return (weight * Math.max(0, 100 - used)) / 100 / WEEK_HOURS;
  }
  const unitsLeft = (weight * Math.max(0, 100 - weekly.usedPercent)) / 100;
  const hours = Math.max(MIN_HOURS_TO_RESET, (weekly.resetsAt - now) / HOUR_MS);
  const left = 100 - (fiveHourUsed ?? 0);
  const room = fiveHourUsed === undefined || left >= FIVE_HOUR_ROOM_POINTS ? 1 : Math.max(MIN_FIVE_HOUR_ROOM, left / FIVE_HOUR_ROOM_POINTS);
  return (unitsLeft / hours) * room;
}
