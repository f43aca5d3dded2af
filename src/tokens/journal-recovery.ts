import type { Clock } from '../clock.js';
import type { Logger } from '../log/logger.js';
import type { AccountStore } from '../store/account-store.js';
import { adoptTokens, findAccount, markReloginRequired } from '../store/mutations.js';
import type { StoreData, Tokens } from '../store/schema.js';
import { REFRESH_INTERRUPTED, interruptedReason, isInterruptedReason, judgeJournal, readJournal, removeJournal } from './refresh-journal.js';

/** What a lease holder found in a journal left by a holder that is gone. */
export type JournalOutcome =
  | { kind: 'none' }
  /** The store had already moved past the spent token. */
  | { kind: 'discarded' }
  /** The issuer's answer was in the journal and is now in the store: the account is saved. */
  | { kind: 'recovered' }
  /** The token may be spent and the answer is lost: the account is marked for a new sign-in with `reason`. */
  | { kind: 'interrupted'; reason: string };

/**
 * Merge-style: adopts a refresh's tokens (the newest rotation wins) and, since they prove the account
 * works, lifts a "refresh interrupted" mark that a racing process may have set meanwhile.
 */
export function adoptRefreshedTokens(data: StoreData, accountId: string, tokens: Tokens): void {
  adoptTokens(data, accountId, tokens);
  const account = findAccount(data, accountId);
  if (account?.tokens.obtainedAt === tokens.obtainedAt && isInterruptedReason(account.health.reloginRequired?.reason)) {
    delete account.health.reloginRequired;
  }
}

/**
 * Settles the journal of `accountId`. Call only while holding the account's refresh lease: then any
 * journal there belongs to a holder that died or lost its lease, never to a refresh in progress.
 */
export async function settleJournal(
  ctx: { store: AccountStore; clock: Clock; logger: Logger },
  journalFile: string,
  accountId: string,
): Promise<JournalOutcome> {
  const journal = await readJournal(journalFile);
  if (journal === undefined) return { kind: 'none' };
  const data = await ctx.store.reload();
  const account = findAccount(data, accountId);
  if (!account) {
    await removeJournal(journalFile);
    return { kind: 'discarded' };
  }
  const verdict = journal === 'unreadable' ? ({ action: 'interrupted' } as const) : judgeJournal(journal, account.tokens);
  if (verdict.action === 'discard') {
    await removeJournal(journalFile);
    return { kind: 'discarded' };
  }
  if (verdict.action === 'adopt') {
    await ctx.store.update((draft) => adoptRefreshedTokens(draft, accountId, verdict.tokens));
    await removeJournal(journalFile);
    ctx.logger.warn('recovered the tokens of a refresh whose process stopped before saving them', { account: account.alias });
    return { kind: 'recovered' };
  }
  const reason =
    journal === 'unreadable'
      ? `${REFRESH_INTERRUPTED}: its journal ${journalFile} is unreadable, so the refresh token may be spent and sending it again would revoke the account`
      : interruptedReason(journal);
  const at = Math.max(ctx.clock.now(), account.tokens.obtainedAt);
  await ctx.store.update((draft) => {
    const current = findAccount(draft, accountId);
    // Only while the spent token is still the stored one: a sign-in since then already fixed the account.
    if (current?.tokens.refreshToken !== account.tokens.refreshToken) return;
    markReloginRequired(draft, accountId, reason, at);
  });
  await removeJournal(journalFile);
  ctx.logger.error(`account "${account.alias}" needs a new sign-in: ${reason}. Run "opencode-multi-auth login ${account.alias}".`, {
    account: account.alias,
  });
  return { kind: 'interrupted', reason };
}
