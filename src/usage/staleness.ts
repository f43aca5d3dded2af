import type { WindowSnapshot } from '../store/schema.js';

/**
 * A snapshot is stale when it was observed longer than `staleAfterMs` ago, or when the window it
 * describes has already reset. A stale snapshot no longer pauses an account: a paused account gets
 * no traffic, so its snapshot would otherwise never be corrected. No `observedAt` counts as fresh.
 */
export function isSnapshotStale(snapshot: WindowSnapshot, now: number, staleAfterMs: number): boolean {
  if (snapshot.resetsAt !== undefined && snapshot.resetsAt <= now) return true;
  if (snapshot.observedAt === undefined) return false;
  return now - snapshot.observedAt > staleAfterMs;
}
