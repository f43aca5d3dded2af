import type { Account, WindowSnapshot } from '../store/schema.js';
import { isSnapshotStale } from '../usage/staleness.js';

export interface Headroom {
  /** 100 minus the highest current used percent across windows; 100 when nothing is known. */
  percentLeft: number;
  /** The soonest reset among current windows, epoch ms; Infinity when unknown. */
  soonestReset: number;
}

function current(snapshot: WindowSnapshot | undefined, now: number, staleAfterMs: number): WindowSnapshot | undefined {
  return snapshot && !isSnapshotStale(snapshot, now, staleAfterMs) ? snapshot : undefined;
}

/** 100 minus the highest used percent among current windows. Allocates nothing: it runs per account per request. */
export function percentLeftOf(account: Account, now: number, staleAfterMs: number): number {
  const fiveHour = current(account.usage.fiveHour, now, staleAfterMs);
  const weekly = current(account.usage.weekly, now, staleAfterMs);
  return Math.max(0, 100 - Math.max(fiveHour?.usedPercent ?? 0, weekly?.usedPercent ?? 0));
}

/** The soonest reset among current windows, epoch ms; Infinity when unknown. */
export function soonestResetOf(account: Account, now: number, staleAfterMs: number): number {
  const fiveHour = current(account.usage.fiveHour, now, staleAfterMs)?.resetsAt ?? Number.POSITIVE_INFINITY;
  const weekly = current(account.usage.weekly, now, staleAfterMs)?.resetsAt ?? Number.POSITIVE_INFINITY;
  return Math.min(fiveHour, weekly);
}

/** How much an account has left, judged only by snapshots that are still current. Pure. */
export function headroomOf(account: Account, now: number, staleAfterMs: number): Headroom {
  return { percentLeft: percentLeftOf(account, now, staleAfterMs), soonestReset: soonestResetOf(account, now, staleAfterMs) };
}

/** Most headroom first; on a tie, the account whose window resets soonest (its quota is worth less unspent). */
export function compareByHeadroom(a: Headroom, b: Headroom): number {
  if (a.percentLeft !== b.percentLeft) return b.percentLeft - a.percentLeft;
  // Not a subtraction: two unknown resets (Infinity - Infinity) would give NaN, which is neither a tie nor an order.
  if (a.soonestReset === b.soonestReset) return 0;
  return a.soonestReset < b.soonestReset ? -1 : 1;
}
