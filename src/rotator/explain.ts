import { formatClock, formatCountdown } from '../time/format-time.js';
import { WINDOW_LABELS } from '../usage/windows.js';
import type { AccountVerdict, Choice } from './choose-account.js';
import { QUOTA_COOLDOWN_REASON } from '../store/cooldown-reasons.js';
import type { Exclusion } from './exclusion.js';
import { familyLabel } from '../usage/limit-families.js';

/** `14:32 CET (in 2 h 5 min)`: the one time format (see src/time/format-time.ts), inside a sentence. */
export function formatMoment(at: number, now: number, timeZone?: string): string {
  return `${formatClock(at, now, { timeZone })} (${formatCountdown(at, now)})`;
}

/** Why an account is out, in words; `alias` completes the command it suggests. */
export function describeExclusion(exclusion: Exclusion, now: number, alias: string): string {
  switch (exclusion.kind) {
    case 'disabled':
      return `disabled (opencode-multi-auth enable ${alias})`;
    case 'relogin-required':
      return `needs a new sign-in: ${exclusion.reason} (opencode-multi-auth login ${alias})`;
    case 'workspace-deactivated':
      return `workspace deactivated, re-checked at ${formatMoment(exclusion.until, now)}`;
    case 'cooldown':
      return `${exclusion.reason} until ${formatMoment(exclusion.until, now)}`;
    case 'model-unsupported':
      return `does not offer ${exclusion.model} (re-checked at ${formatMoment(exclusion.until, now)})`;
    case 'usage-limit': {
      const label = WINDOW_LABELS[exclusion.window];
      const percent = Math.round(exclusion.usedPercent);
      return exclusion.resetsAt === undefined
        ? `${label} limit (${percent}% used)`
        : `${label} limit (${percent}% used) until ${formatMoment(exclusion.resetsAt, now)}`;
    }
    case 'limit-reached': {
      // The backend's own reason (`rate_limit_reached_type`), as the usage endpoint gave it.
      const why = `the backend says it cannot serve now${exclusion.reason ? ` (${exclusion.reason})` : ''}`;
      return exclusion.until === undefined ? `${why}; re-checked by the next usage refresh` : `${why} until ${formatMoment(exclusion.until, now)}`;
    }
    case 'family-limit': {
      const label = familyLabel(exclusion.family);
      const usage =
        exclusion.window === undefined ? 'limit reached' : `limit (${Math.round(exclusion.usedPercent ?? 100)}% of ${WINDOW_LABELS[exclusion.window]} used)`;
      const until = exclusion.until === undefined ? '' : ` until ${formatMoment(exclusion.until, now)}`;
      return `${label} ${usage}${until}; its other models still work`;
    }
    case 'model-not-in-catalog':
      return `its model catalog has no ${exclusion.model}`;
    case 'already-tried':
      return 'failed for this request';
    case 'not-pinned':
      return `not pinned (pinned: ${exclusion.pinnedAlias})`;
  }
}

/** A quota cooldown says the same as the usage window behind it: name the window only. */
function withoutRepeats(exclusions: readonly Exclusion[]): Exclusion[] {
  const usageLimited = exclusions.some((exclusion) => exclusion.kind === 'usage-limit');
  return usageLimited ? exclusions.filter((exclusion) => !(exclusion.kind === 'cooldown' && exclusion.reason === QUOTA_COOLDOWN_REASON)) : [...exclusions];
}

/** Why an account is out, in words, each reason once. */
export function describeExclusions(exclusions: readonly Exclusion[], now: number, alias: string): string[] {
  return withoutRepeats(exclusions).map((exclusion) => describeExclusion(exclusion, now, alias));
}

function describeVerdict(verdict: AccountVerdict, now: number): string {
  const reasons = describeExclusions(verdict.exclusions, now, verdict.account.alias);
  return `${verdict.account.alias} (${reasons.join('; ') || 'eligible'})`;
}

/**
 * The message a user sees when no account can serve:
 * `No eligible account: work (needs a new sign-in: refresh_token_reused ...), personal (5h limit (100% used) until 14:32 CET (in 2 h 5 min)). First back: personal at 14:32 CET (in 2 h 5 min).`
 */
export function describeNoEligibleAccount(choice: Extract<Choice, { ok: false }>, now: number): string {
  if (choice.verdicts.length === 0) {
    return 'No ChatGPT account is set up for opencode-multi-auth-codex. Run `opencode-multi-auth login` to add one.';
  }
  const notInCatalog = choice.verdicts.every((verdict) => verdict.exclusions.some((exclusion) => exclusion.kind === 'model-not-in-catalog'));
  const missing = choice.verdicts[0]?.exclusions.find((exclusion) => exclusion.kind === 'model-not-in-catalog');
  const head = choice.pinnedAlias
    ? `Pinned account ${choice.pinnedAlias} cannot serve (unpin with \`opencode-multi-auth unpin\`)`
    : notInCatalog && missing?.kind === 'model-not-in-catalog'
      ? `No account offers ${missing.model} (no account's model catalog has it; pick another model)`
      : 'No eligible account';
  const list = choice.verdicts.map((verdict) => describeVerdict(verdict, now)).join(', ');
  const first = choice.verdicts.find((verdict) => verdict.availableAt === choice.firstAvailableAt);
  const tail =
    choice.firstAvailableAt !== undefined && first
      ? ` First back: ${first.account.alias} at ${formatMoment(choice.firstAvailableAt, now)}.`
      : ' None comes back by itself: see `opencode-multi-auth status` and `doctor`.';
  return `${head}: ${list}.${tail}`;
}
