import { findAccount, recordSnapshot } from '../store/mutations.js';
import { WINDOW_KINDS, type Credits, type LimitFlag, type StoreData, type WindowSnapshot, type WindowKind } from '../store/schema.js';
import { isInterruptedReason } from '../tokens/refresh-journal.js';
import type { UsageObservation } from './rate-limit-headers.js';

/*
 * Merge-style store changes for usage, in the manner of src/store/mutations.ts: each may be applied
 * again to a newer copy of the file, so each keeps the newer observation and does nothing if the
 * account is gone.
 */

const isNewer = (incoming: number | undefined, stored: number | undefined): boolean => stored === undefined || (incoming !== undefined && incoming > stored);

function recordCredits(data: StoreData, accountId: string, credits: Credits): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (!isNewer(credits.observedAt, account.usage.credits?.observedAt)) return;
  account.usage.credits = { ...credits };
}

function recordAdditionalSnapshot(data: StoreData, accountId: string, name: string, kind: WindowKind, snapshot: WindowSnapshot): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const additional = (account.usage.additional ??= {});
  const family = (additional[name] ??= {});
  if (!isNewer(snapshot.observedAt, family[kind]?.observedAt)) return;
  family[kind] = { ...snapshot };
}

/** The newer report of the usage endpoint's "can serve" flags wins, including one saying the block is over. */
function recordLimitFlag(data: StoreData, accountId: string, flag: LimitFlag): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  if (account.usage.limit && account.usage.limit.observedAt >= flag.observedAt) return;
  account.usage.limit = { ...flag };
}

function observedAtOf(observation: UsageObservation): number | undefined {
  const pairs = [observation, ...Object.values(observation.additional ?? {})];
  const times = pairs.flatMap((pair) => WINDOW_KINDS.map((kind) => pair[kind]?.observedAt)).filter((at): at is number => at !== undefined);
  return times.length === 0 ? undefined : Math.max(...times);
}

/**
 * Forgets stored families a complete list (the usage endpoint's) no longer has, when everything
 * stored of them is older than that list: a family that ended, or one stored under an older key.
 */
function forgetEndedFamilies(data: StoreData, accountId: string, observation: UsageObservation): void {
  const account = findAccount(data, accountId);
  const stored = account?.usage.additional;
  const at = observedAtOf(observation);
  if (!account || !stored || at === undefined) return;
  const kept = Object.entries(stored).filter(([id, family]) => {
    if (observation.additional?.[id]) return true;
    return Math.max(...WINDOW_KINDS.map((kind) => family[kind]?.observedAt ?? -Infinity)) >= at;
  });
  account.usage.additional = Object.fromEntries(kept);
}

/** Records everything an observation carries: its windows, the limit flags, credits and limit families. */
export function recordObservation(data: StoreData, accountId: string, observation: UsageObservation): void {
  if (observation.limit) recordLimitFlag(data, accountId, observation.limit);
  for (const kind of WINDOW_KINDS) {
    const snapshot = observation[kind];
    if (snapshot) recordSnapshot(data, accountId, kind, snapshot);
  }
  if (observation.credits) recordCredits(data, accountId, observation.credits);
  if (observation.completeFamilies) forgetEndedFamilies(data, accountId, observation);
  for (const [name, family] of Object.entries(observation.additional ?? {})) {
    for (const kind of WINDOW_KINDS) {
      const snapshot = family[kind];
      if (snapshot) recordAdditionalSnapshot(data, accountId, name, kind, snapshot);
    }
    if (family.limitName) recordFamilyName(data, accountId, name, family.limitName);
  }
}

function recordFamilyName(data: StoreData, accountId: string, familyId: string, limitName: string): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const family = ((account.usage.additional ??= {})[familyId] ??= {});
  family.limitName = limitName;
}

/** Cooldowns only ever grow: a family's 429 keeps its models off this account until then. */
export function extendFamilyCooldown(data: StoreData, accountId: string, familyId: string, until: number, reason: string): void {
  const account = findAccount(data, accountId);
  if (!account) return;
  const cooldowns = (account.health.familyCooldowns ??= {});
  const current = cooldowns[familyId];
  if (current && current.until >= until) return;
  cooldowns[familyId] = { until, reason };
}

/**
 * Remembers which limit the backend named (`x-codex-active-limit`) for a request of `model`: a
 * family id, or `premium`. The newest reply wins; the mapping is the backend's, shared by all accounts.
 */
export function learnModelFamily(data: StoreData, model: string, limit: string): void {
  if ((data.modelFamilies ??= {})[model] === limit) return;
  data.modelFamilies[model] = limit;
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
