import { exclusionsOf, type EligibilityContext } from '../rotator/exclusion.js';
import type { ChoiceReason } from '../rotator/choose-account.js';
import { describeChoiceReason } from '../rotator/explain-choice.js';
import { describeExclusions } from '../rotator/explain.js';
import type { StoreData } from '../store/schema.js';
import { familyOfModel } from '../usage/limit-families.js';

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
export function passedOver(data: StoreData, attempts: readonly AttemptRecord[], eligibility: EligibilityContext): PassedOverRecord[] {
  const tried = new Set(attempts.map((attempt) => attempt.account));
  const context: EligibilityContext = { ...eligibility, family: eligibility.family ?? familyOfModel(data, eligibility.model) };
  return data.accounts
    .filter((account) => !tried.has(account.alias))
    .map((account) => {
      const reasons = describeExclusions(exclusionsOf(account, context), context.now, account.alias);
      return { account: account.alias, why: reasons.length > 0 ? reasons.join('; ') : 'eligible, not chosen' };
    });
}

const CHOICE_REASONS: ReadonlySet<string> = new Set<ChoiceReason>(['pinned', 'session', 'most-at-risk', 'limit-edge', 'most-headroom', 'round-robin']);

/**
 * Why the account that served was chosen, in one sentence (for `most-at-risk`, its pace and the numbers
 * behind it). Undefined when nothing was served or the reason is not the rotator's.
 */
export function chosenBecause(data: StoreData, attempts: readonly AttemptRecord[], reason: string, context: EligibilityContext): string | undefined {
  if (!CHOICE_REASONS.has(reason)) return undefined;
  const served = attempts.findLast((attempt) => attempt.outcome === 'served');
  if (!served) return undefined;
  const account = data.accounts.find((candidate) => candidate.alias === served.account);
  return describeChoiceReason(reason as ChoiceReason, account, context.now, context.snapshotStaleAfterMs);
}
