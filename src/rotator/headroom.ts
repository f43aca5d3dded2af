import type { Account } from '../store/schema.js';
import { WINDOW_KINDS } from '../usage/windows.js';
import { isSnapshotStale } from '../usage/staleness.js';

export interface Headroom {
  /** 100 minus the highest current used percent across windows; 100 when nothing is known. */
  percentLeft: number;
  /** The soonest reset among current windows, epoch ms; Infinity when unknown. */
  soonestReset: number;
}

/** How much an account has left, judged only by snapshots that are still current. Pure. */
export function headroomOf(account: Account, now: number, staleAfterMs: number): Headroom {
  let highestUsed = 0;
  let soonestReset = Number.POSITIVE_INFINITY;
  for (const window of WINDOW_KINDS) {
    const snapshot = account.usage[window];
    if (!snapshot || isSnapshotStale(snapshot, now, staleAfterMs)) continue;
    highestUsed = Math.max(highestUsed, snapshot.usedPercent);
    if (snapshot.resetsAt !== undefined) soonestReset = Math.min(soonestReset, snapshot.resetsAt);
  }
  return { percentLeft: Math.max(0, 100 - highestUsed), soonestReset };
}

/** Most headroom first; on a tie, the account whose window resets soonest (its quota is worth less unspent). */
export function compareByHeadroom(a: Headroom, b: Headroom): number {
  if (a.percentLeft !== b.percentLeft) return b.percentLeft - a.percentLeft;
  // Not a subtraction: two unknown resets (Infinity - Infinity) would give NaN, which is neither a tie nor an order.
  if (a.soonestReset === b.soonestReset) return 0;
  return a.soonestReset < b.soonestReset ? -1 : 1;
}
