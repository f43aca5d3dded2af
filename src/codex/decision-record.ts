import { exclusionsOf, type EligibilityContext } from '../rotator/exclusion.js';
import { describeExclusions } from '../rotator/explain.js';
import type { StoreData } from '../store/schema.js';

/** One try on one account during a request. */
export interface AttemptRecord {
  account: string;
  status?: number;
  outcome: string;
}

/** An account that was not tried, and why. */
export interface PassedOverRecord {
  account: string;
  why: string;
}

/**
 * The accounts a request did not try, each with why: left out (and the reason) or eligible but
 * not chosen. Only built for the debug log, so it may walk every account.
 */
export function passedOver(data: StoreData, attempts: readonly AttemptRecord[], context: EligibilityContext): PassedOverRecord[] {
  const tried = new Set(attempts.map((attempt) => attempt.account));
  return data.accounts
    .filter((account) => !tried.has(account.alias))
    .map((account) => {
      const reasons = describeExclusions(exclusionsOf(account, context), context.now, account.alias);
      return { account: account.alias, why: reasons.length > 0 ? reasons.join('; ') : 'eligible, not chosen' };
    });
}
