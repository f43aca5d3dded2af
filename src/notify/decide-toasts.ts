import type { NotifyLevel } from '../config/config.js';
import { formatMoment } from '../rotator/explain.js';
import type { Notice, NoticeKind, Toast } from './notices.js';

export interface NotifySettings {
  level: NotifyLevel;
  /** One toast per cause per this long. */
  cooldownMs: number;
}

/** Per cause, the moment until which it shows no toast (epoch ms). Owned by the caller, passed in and out. */
export type QuietUntil = Readonly<Record<string, number>>;

export interface ToastDecision {
  toasts: Toast[];
  quietUntil: QuietUntil;
}

const DAY = 86_400_000;
/** A weekly warning stays quiet until its window resets, but no longer than this. */
const WEEKLY_QUIET_CAP_MS = 8 * DAY;

/** The notices shown at `errors`: the ones that need the user to act. */
const NEEDS_YOU: ReadonlySet<NoticeKind> = new Set(['relogin-required', 'all-accounts-out', 'settings-invalid']);

function shownAt(level: NotifyLevel, notice: Notice): boolean {
  if (level === 'off') return false;
  return level === 'all' || NEEDS_YOU.has(notice.kind);
}

/** What counts as "the same cause": one account moving sessions away, one account's sign-in, all accounts out... */
export function causeOf(notice: Notice): string {
  switch (notice.kind) {
    case 'session-moved':
      return `moved-from:${notice.fromAccountId}`;
    case 'relogin-required':
      return `relogin:${notice.accountId}`;
    case 'all-accounts-out':
      return 'all-out';
    case 'weekly-threshold':
      return `weekly:${notice.accountId}`;
    case 'settings-invalid':
      return `settings:${notice.variables.join(',')}`;
  }
}

function quietFor(notice: Notice, settings: NotifySettings, now: number): number {
  switch (notice.kind) {
    case 'weekly-threshold':
      // Nothing changes for this warning until the window resets.
      return notice.resetsAt !== undefined && notice.resetsAt > now ? Math.min(Math.max(notice.resetsAt - now, settings.cooldownMs), WEEKLY_QUIET_CAP_MS) : DAY;
    case 'settings-invalid':
      // Settings are read once per process: saying it again would not change anything.
      return Number.POSITIVE_INFINITY;
    default:
      return settings.cooldownMs;
  }
}

/** The toast for one notice: a title that says what happened, a message that says why and what to do. */
export function toastFor(notice: Notice, now: number): Toast {
  switch (notice.kind) {
    case 'session-moved':
      return {
        title: `Account switched: ${notice.from} → ${notice.to}`,
        message: `A session moved from ${notice.from} to ${notice.to} because ${notice.from}: ${notice.reason}. Its prompt cache starts over on ${notice.to}.`,
        variant: 'info',
        duration: 8_000,
      };
    case 'relogin-required':
      return {
        title: `${notice.alias} needs a new sign-in`,
        message: `${notice.alias}: ${notice.reason}. Run: opencode-multi-auth login ${notice.alias}`,
        variant: 'warning',
        duration: 10_000,
      };
    case 'all-accounts-out': {
      const back = notice.firstBack ? `First back: ${notice.firstBack.alias} at ${formatMoment(notice.firstBack.at, now)}.` : 'None comes back by itself.';
      if (notice.pinnedAlias) {
        return {
          title: `Pinned account ${notice.pinnedAlias} cannot serve`,
          message: `${back} Unpin to use the others: opencode-multi-auth unpin`,
          variant: 'error',
          duration: 10_000,
        };
      }
      return {
        title: notice.accounts === 1 ? 'The only account is out' : `All ${notice.accounts} accounts are out`,
        message: `${back} Details: opencode-multi-auth status`,
        variant: 'error',
        duration: 10_000,
      };
    }
    case 'weekly-threshold': {
      const percent = Math.floor(notice.usedPercent);
      const resets = notice.resetsAt !== undefined && notice.resetsAt > now ? ` It resets ${formatMoment(notice.resetsAt, now)}.` : '';
      return {
        title: `${notice.alias}: ${percent}% of the weekly limit used`,
        message: `${notice.alias} has used ${percent}% of its weekly window (warning at ${notice.threshold}%).${resets}`,
        variant: 'warning',
        duration: 8_000,
      };
    }
    case 'settings-invalid':
      return {
        title: 'opencode-multi-auth: settings ignored',
        message: `${notice.variables.join(', ')} ${notice.variables.length === 1 ? 'is' : 'are'} not valid, so the default applies. Details: opencode-multi-auth doctor`,
        variant: 'warning',
        duration: 10_000,
      };
  }
}

/**
 * Which notices become toasts now: those the level shows, one per cause, and none for a cause still
 * quiet from an earlier toast. Pure: the quiet-until state comes in and the updated state goes out.
 */
export function decideToasts(notices: readonly Notice[], quietUntil: QuietUntil, settings: NotifySettings, now: number): ToastDecision {
  const next: Record<string, number> = {};
  for (const [cause, until] of Object.entries(quietUntil)) if (until > now) next[cause] = until;
  const toasts: Toast[] = [];
  for (const notice of notices) {
    if (!shownAt(settings.level, notice)) continue;
    const cause = causeOf(notice);
    if ((next[cause] ?? 0) > now) continue;
    next[cause] = now + quietFor(notice, settings, now);
    toasts.push(toastFor(notice, now));
  }
  return { toasts, quietUntil: next };
}
