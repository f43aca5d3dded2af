import type { Config } from '../config/config.js';
import { WINDOW_KINDS, type Account, type StoreData, type WindowSnapshot, type WindowKind } from '../store/schema.js';
import { isCatalogDue } from './refresh-catalog.js';
import { isSnapshotStale } from './staleness.js';

export type SelectionConfig = Pick<Config, 'pauseAtPercent' | 'snapshotStaleAfter' | 'usageRefreshInterval'>;

/** Why an account's usage is worth a request now. */
export type RefreshReason =
  /** No usage window known at all. */
  | 'missing'
  /** A window is older than snapshotStaleAfter or has already reset: it no longer says anything. */
  | 'stale'
  /** Left out of rotation by a snapshot: nothing else will ever update it (it gets no traffic). */
  | 'paused'
  /** Within 10 points of the pause threshold. */
  | 'near-threshold'
  /** Served a request in the last hour. */
  | 'active'
  /** Flagged for a new sign-in while its access token is still valid: the flag may be stale (a 403 storm). */
  | 'flagged'
  /** Its model catalog was never read or is due a re-check (it rides along with the usage read). */
  | 'catalog';

/** How close to the pause threshold counts as "near" (percentage points). */
const NEAR_THRESHOLD_POINTS = 10;
const ACTIVE_WITHIN_MS = 60 * 60_000;

function snapshots(account: Account): WindowSnapshot[] {
  return WINDOW_KINDS.map((kind) => account.usage[kind]).filter((snapshot): snapshot is WindowSnapshot => snapshot !== undefined);
}

/** The window that keeps the account out of rotation now, if any: a fresh snapshot at or above the threshold. */
export function pausingWindow(account: Account, now: number, config: Pick<Config, 'pauseAtPercent' | 'snapshotStaleAfter'>): WindowKind | undefined {
  return WINDOW_KINDS.find((kind) => {
    const snapshot = account.usage[kind];
    return snapshot !== undefined && !isSnapshotStale(snapshot, now, config.snapshotStaleAfter) && snapshot.usedPercent >= config.pauseAtPercent;
  });
}

/**
 * Why the background refresher should read this account's usage now; empty when it should not.
 * Disabled and deactivated accounts are skipped. Paused, near-threshold and active accounts are
 * re-read once their newest snapshot is older than one refresh interval; missing and stale ones at once.
 */
export function refreshReasons(account: Account, now: number, config: SelectionConfig): RefreshReason[] {
  if (!account.enabled) return [];
  if ((account.health.workspaceDeactivatedUntil ?? -Infinity) > now) return [];
  if (account.health.reloginRequired) return account.tokens.expiresAt > now ? ['flagged'] : [];
  const known = snapshots(account);
  if (known.length === 0) return ['missing'];
  const reasons: RefreshReason[] = isCatalogDue(account, now) ? ['catalog'] : [];
  if (known.some((snapshot) => isSnapshotStale(snapshot, now, config.snapshotStaleAfter))) reasons.push('stale');
  const newest = Math.max(...known.map((snapshot) => snapshot.observedAt ?? -Infinity));
  const due = newest <= now - config.usageRefreshInterval;
  if (!due) return reasons;
  const highest = Math.max(...known.map((snapshot) => snapshot.usedPercent));
  // A block by the usage endpoint's flags pauses like a full window: only a refresh lifts it early.
  if (highest >= config.pauseAtPercent || account.usage.limit?.reached) reasons.push('paused');
  else if (highest >= config.pauseAtPercent - NEAR_THRESHOLD_POINTS) reasons.push('near-threshold');
  if (account.stats.lastUsedAt !== undefined && account.stats.lastUsedAt >= now - ACTIVE_WITHIN_MS) reasons.push('active');
  return reasons;
}

/** The accounts whose snapshots matter now (see {@link refreshReasons}), most urgent first. Pure. */
export function selectAccountsToRefresh(data: StoreData, now: number, config: SelectionConfig): string[] {
  const rank = (reasons: RefreshReason[]) =>
    reasons.includes('paused') || reasons.includes('flagged') ? 0 : reasons.includes('stale') || reasons.includes('missing') ? 1 : 2;
  return data.accounts
    .map((account) => ({ id: account.id, reasons: refreshReasons(account, now, config) }))
    .filter((entry) => entry.reasons.length > 0)
    .sort((a, b) => rank(a.reasons) - rank(b.reasons))
    .map((entry) => entry.id);
}
