import { redact } from '../log/redact.js';
import type { Account, StoreData, WindowSnapshot } from '../store/schema.js';
import { readAccountRouting } from '../store/jwt-claims.js';
import type { AccountJson, FamilyJson, StatusJson } from './json-schemas.js';
import { accountState, attentionAdvice } from './render/account-state.js';
import { accountFamilies } from '../usage/limit-families.js';

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

/** The account's limit families, by id: usage windows and a 429 cooldown still running. */
function familiesJson(account: Account, now: number): FamilyJson[] {
  return accountFamilies(account).map(({ id, usage: family, cooldown }) => {
    return {
      id,
      limitName: family?.limitName ?? null,
      fiveHour: windowJson(family?.fiveHour, now),
      weekly: windowJson(family?.weekly, now),
      monthly: windowJson(family?.monthly, now),
      outUntil: cooldown && cooldown.until > now ? cooldown.until : null,
    };
  });
}

function limitJson(account: Account, now: number): AccountJson['limitReached'] {
  const flag = account.usage.limit;
  if (!flag?.reached || (flag.until !== undefined && flag.until <= now)) return null;
  return { reason: flag.reason ?? null, until: flag.until ?? null };
}

function creditsJson(account: Account): AccountJson['credits'] {
  const credits = account.usage.credits;
  if (!credits || (credits.hasCredits !== true && credits.unlimited !== true)) return null;
  return { hasCredits: credits.hasCredits ?? false, unlimited: credits.unlimited ?? false, balance: credits.balance ?? null };
}

function accountJson(account: Account, data: StoreData, now: number): AccountJson {
  const state = accountState(account, data.pin, now);
  const routing = readAccountRouting(account.tokens);
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
    usage: {
      fiveHour: windowJson(account.usage.fiveHour, now),
      weekly: windowJson(account.usage.weekly, now),
      monthly: windowJson(account.usage.monthly, now),
      families: familiesJson(account, now),
    },
    limitReached: limitJson(account, now),
    credits: creditsJson(account),
    residency: routing.residency ?? null,
    fedramp: routing.fedramp,
    lastUsedAt: account.stats.lastUsedAt ?? null,
    lastError: account.health.lastError ? { message: redact(account.health.lastError.message), at: account.health.lastError.at } : null,
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
