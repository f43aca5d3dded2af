import { findAccount, recordSnapshot } from '../store/mutations.js';
import type { Credits, LimitFlag, StoreData, WindowSnapshot } from '../store/schema.js';
import { isInterruptedReason } from '../tokens/refresh-journal.js';
import type { UsageObservation } from './rate-limit-headers.js';
import { WINDOW_KINDS, type WindowKind } from './windows.js';

/*
 * Merge-style store changes for usage, in the manner of src/store/mutations.ts: each may be applied
 * again to a newer copy of the file, so each keeps the newer observation and does nothing if the
 * account is gone.
 */

const isNewer = (incoming: number | undefined, stored: number | undefined): boolean =>
  stored === undefined || (incoming !== undefined && incoming > stored);

export function recordCredits(data: StoreData, accountId: string, credits: Credits): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (!isNewer(credits.observedAt, account.usage.credits?.observedAt)) return;
  account.usage.credits = { ...credits };
}

export function recordAdditionalSnapshot(
  data: StoreData,
  accountId: string,
  name: string,
  kind: WindowKind,
  snapshot: WindowSnapshot,
): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const additional = (account.usage.additional ??= {});
  const family = (additional[name] ??= {});
  if (!isNewer(snapshot.observedAt, family[kind]?.observedAt)) return;
  family[kind] = { ...snapshot };
}

/** The newer report of the usage endpoint's "can serve" flags wins, including one saying the block is over. */
export function recordLimitFlag(data: StoreData, accountId: string, flag: LimitFlag): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.usage.limit && account.usage.limit.observedAt >= flag.observedAt) return;
  account.usage.limit = { ...flag };
}

/** Records everything an observation carries: its windows, the limit flags, credits and other limit families. */
export function recordObservation(data: StoreData, accountId: string, observation: UsageObservation): void {
  if (observation.limit) recordLimitFlag(data, accountId, observation.limit);
  for (const kind of WINDOW_KINDS) {
    const snapshot = observation[kind];
    if (snapshot) recordSnapshot(data, accountId, kind, snapshot);
  }
  if (observation.credits) recordCredits(data, accountId, observation.credits);
  for (const [name, pair] of Object.entries(observation.additional ?? {})) {
    for (const kind of WINDOW_KINDS) {
      const snapshot = pair[kind];
      if (snapshot) recordAdditionalSnapshot(data, accountId, name, kind, snapshot);
    }
  }
}

/**
 * The account's token just worked against the backend at `at`: a "re-login required" flag set
 * before then (for example by a 403 storm mistaken for dead auth) is cleared with its timestamp.
 * A flag set after `at` is newer news and stays.
 */
export function clearReloginFlagSeenWorking(data: StoreData, accountId: string, at: number): void {
  const account = findAccount(data, accountId);
  if (!account?.health.reloginRequired) return;
  if (account.health.reloginRequired.at > at) return;
  // A working access token says nothing about a refresh token that may already be spent: clearing this
  // mark would have the next refresh send it again, and a second use revokes the account.
  if (isInterruptedReason(account.health.reloginRequired.reason)) return;
  delete account.health.reloginRequired;
}
