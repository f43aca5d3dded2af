import type { StoreData } from '../store/schema.js';
import { isSnapshotStale } from '../usage/staleness.js';
import type { Notice } from './notices.js';

export interface StoreNoticeContext {
  now: number;
  /** Warn when an account has used at least this percent of its weekly window. */
  weeklyPercent: number;
  snapshotStaleAfterMs: number;
}

/**
 * What the store says the user should know, whichever process or path wrote it (the request path,
 * a token refresh, the usage refresher, another OpenCode window): accounts that need a new sign-in,
 * and weekly windows past the warning threshold. Disabled accounts are the user's own choice and are left out. Pure.
 */
export function noticesFromStore(data: StoreData, context: StoreNoticeContext): Notice[] {
  const notices: Notice[] = [];
  for (const account of data.accounts) {
    if (!account.enabled) continue;
    const relogin = account.health.reloginRequired;
    if (relogin) {
      notices.push({ kind: 'relogin-required', accountId: account.id, alias: account.alias, reason: relogin.reason });
      continue;
    }
    const weekly = account.usage.weekly;
    if (weekly && weekly.usedPercent >= context.weeklyPercent && !isSnapshotStale(weekly, context.now, context.snapshotStaleAfterMs)) {
      notices.push({
        kind: 'weekly-threshold',
        accountId: account.id,
        alias: account.alias,
        usedPercent: weekly.usedPercent,
        threshold: context.weeklyPercent,
        resetsAt: weekly.resetsAt,
      });
    }
  }
  return notices;
}
