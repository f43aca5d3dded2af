import type { Account, WindowSnapshot } from '../store/schema.js';
import { isSnapshotStale } from '../usage/staleness.js';

function current(snapshot: WindowSnapshot | undefined, now: number, staleAfterMs: number): WindowSnapshot | undefined {
  return snapshot && !isSnapshotStale(snapshot, now, staleAfterMs) ? snapshot : undefined;
}

/** 100 minus the highest used percent among current windows. Allocates nothing: it runs per account per request. */
export function percentLeftOf(account: Account, now: number, staleAfterMs: number): number {
  const fiveHour = current(account.usage.fiveHour, now, staleAfterMs);
  const weekly = current(account.usage.weekly, now, staleAfterMs);
  const monthly = current(account.usage.monthly, now, staleAfterMs);
  return Math.max(0, 100 - Math.max(fiveHour?.usedPercent ?? 0, weekly?.usedPercent ?? 0, monthly?.usedPercent ?? 0));
}

/** The soonest reset among current windows, epoch ms; Infinity when unknown. */
export function soonestResetOf(account: Account, now: number, staleAfterMs: number): number {
  const fiveHour = current(account.usage.fiveHour, now, staleAfterMs)?.resetsAt ?? Number.POSITIVE_INFINITY;
  const weekly = current(account.usage.weekly, now, staleAfterMs)?.resetsAt ?? Number.POSITIVE_INFINITY;
  const monthly = current(account.usage.monthly, now, staleAfterMs)?.resetsAt ?? Number.POSITIVE_INFINITY;
  return Math.min(fiveHour, weekly, monthly);
}
