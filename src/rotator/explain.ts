import { formatWhen } from '../time/format-time.js';
import { WINDOW_LABELS } from '../usage/windows.js';
import type { AccountVerdict, Choice } from './choose-account.js';
import { QUOTA_COOLDOWN_REASON } from '../codex/failover-policy.js';
import type { Exclusion } from './exclusion.js';

/** `14:32 CET (in 2 h 5 min)`: the one time format (see src/time/format-time.ts), inside a sentence. */
export function formatMoment(at: number, now: number, timeZone?: string): string {
  const [clock, countdown] = formatWhen(at, now, timeZone).split(', ');
  return `${clock} (${countdown})`;
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

export function describeVerdict(verdict: AccountVerdict, now: number): string {
  const reasons = describeExclusions(verdict.exclusions, now, verdict.account.alias);
  return `${verdict.account.alias} (${reasons.join('; ') || 'eligible'})`;
}

/**
 * The message a user sees when no account can serve:
 * `No eligible account: work (needs a new sign-in: refresh_token_reused ...), personal (5h limit (100% used) until 14:32 (in 2h 5m)). First back: personal at 14:32 (in 2h 5m).`
 */
export function describeNoEligibleAccount(choice: Extract<Choice, { ok: false }>, now: number): string {
  if (choice.verdicts.length === 0) {
    return 'No ChatGPT account is set up for opencode-multi-auth-codex. Run `opencode-multi-auth login` to add one.';
  }
  const head = choice.pinnedAlias
    ? `Pinned account ${choice.pinnedAlias} cannot serve (unpin with \`opencode-multi-auth unpin\`)`
    : 'No eligible account';
  const list = choice.verdicts.map((verdict) => describeVerdict(verdict, now)).join(', ');
  const first = choice.verdicts.find((verdict) => verdict.availableAt === choice.firstAvailableAt);
  const tail =
    choice.firstAvailableAt !== undefined && first
      ? ` First back: ${first.account.alias} at ${formatMoment(choice.firstAvailableAt, now)}.`
      : ' None comes back by itself: see `opencode-multi-auth status` and `doctor`.';
  return `${head}: ${list}.${tail}`;
}
