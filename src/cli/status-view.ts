import type { Account, StoreData, WindowSnapshot } from '../store/schema.js';
import type { AccountJson, StatusJson } from './json-schemas.js';
import { accountState, attentionAdvice } from './render/account-state.js';

function windowJson(snapshot: WindowSnapshot | undefined, now: number): AccountJson['usage']['fiveHour'] {
  if (!snapshot) return null;
  // A window that has reset since it was observed is back at zero.
  const reset = snapshot.resetsAt !== undefined && snapshot.resetsAt <= now;
  return {
    usedPercent: reset ? 0 : snapshot.usedPercent,
    resetsAt: reset ? null : (snapshot.resetsAt ?? null),
    observedAt: snapshot.observedAt ?? null,
    source: snapshot.source,
  };
}

export function accountJson(account: Account, data: StoreData, now: number): AccountJson {
  const state = accountState(account, data.pin, now);
  return {
    id: account.id,
    alias: account.alias,
    email: account.email ?? null,
    plan: account.plan ?? null,
    enabled: account.enabled,
    pinned: state.pinned,
    state: state.kind,
    until: state.until ?? null,
    reason: state.reason ?? null,
    advice: attentionAdvice(account, state, now) ?? null,
    usage: { fiveHour: windowJson(account.usage.fiveHour, now), weekly: windowJson(account.usage.weekly, now) },
    lastUsedAt: account.stats.lastUsedAt ?? null,
    origin: account.origin,
  };
}

/** The status of every account, as `status --json` prints it and the table renders it. Pure. */
export function statusView(data: StoreData, storePath: string, now: number): StatusJson {
  const pinActive = data.pin && (data.pin.until === undefined || data.pin.until > now) ? data.pin : undefined;
  return {
    storePath,
    now,
    pin: pinActive
      ? {
          accountId: pinActive.accountId,
          alias: data.accounts.find((account) => account.id === pinActive.accountId)?.alias ?? null,
          until: pinActive.until ?? null,
        }
      : null,
    accounts: data.accounts.map((account) => accountJson(account, data, now)),
  };
}
