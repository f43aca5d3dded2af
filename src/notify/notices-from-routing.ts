import type { RoutingEvent } from '../codex/routing-events.js';
import { exclusionsOf } from '../rotator/exclusion.js';
import { describeExclusions } from '../rotator/explain.js';
import type { StoreData } from '../store/schema.js';
import type { Notice } from './notices.js';

export interface RoutingNoticeContext {
  now: number;
  pauseAtPercent: number;
  snapshotStaleAfterMs: number;
}

function aliasOf(data: StoreData, accountId: string): string {
  return data.accounts.find((account) => account.id === accountId)?.alias ?? accountId;
}

/** Why the session left its account: what keeps that account out now, else how it failed this request. */
function whyMoved(event: Extract<RoutingEvent, { kind: 'session-moved' }>, data: StoreData, context: RoutingNoticeContext): string | undefined {
  const account = data.accounts.find((candidate) => candidate.id === event.fromAccountId);
  if (!account) return 'it was removed';
  const exclusions = exclusionsOf(account, { ...context, model: event.model });
  // The user disabled it: they know already. (A pin elsewhere leaves this account eligible: no reason either.)
  if (exclusions.length > 0 && exclusions.every((exclusion) => exclusion.kind === 'disabled')) return undefined;
  const reasons = describeExclusions(exclusions, context.now, account.alias);
  if (reasons.length > 0) return reasons.join('; ');
  return event.attempts.findLast((attempt) => attempt.account === account.alias)?.outcome;
}

/**
 * What a routing event means to the user, in words, using the store as the request left it (the
 * marks of the failed attempts are already in it). Pure.
 */
export function noticesFromRouting(event: RoutingEvent, data: StoreData, context: RoutingNoticeContext): Notice[] {
  switch (event.kind) {
    case 'session-moved': {
      const reason = whyMoved(event, data, context);
      // An account that could still serve lost the session by choice (round-robin, least-used): nothing to report.
      if (reason === undefined) return [];
      return [
        { kind: 'session-moved', fromAccountId: event.fromAccountId, from: aliasOf(data, event.fromAccountId), to: aliasOf(data, event.toAccountId), reason },
      ];
    }
    case 'no-eligible-account': {
      const { choice } = event;
      if (choice.verdicts.length === 0) return [];
      // An account that only failed this request (5xx, network) is not out: a passing outage, retried.
      if (choice.verdicts.some((verdict) => verdict.exclusions.every((exclusion) => exclusion.kind === 'already-tried'))) return [];
      const first = choice.verdicts.find((verdict) => verdict.availableAt !== undefined && verdict.availableAt === choice.firstAvailableAt);
      return [
        {
          kind: 'all-accounts-out',
          accounts: choice.verdicts.length,
          firstBack: first && choice.firstAvailableAt !== undefined ? { alias: first.account.alias, at: choice.firstAvailableAt } : undefined,
          pinnedAlias: choice.pinnedAlias,
        },
      ];
    }
  }
}
