import type { Account, Pin } from '../../store/schema.js';
import type { Tone } from './colors.js';
import { formatMoment } from '../../time/format-time.js';

export const ACCOUNT_STATES = ['active', 'cooling-down', 'relogin-required', 'workspace-deactivated', 'disabled'] as const;
export type AccountStateKind = (typeof ACCOUNT_STATES)[number];

export interface AccountState {
  kind: AccountStateKind;
  /** Whether requests are pinned to this account right now. */
  pinned: boolean;
  /** Epoch ms the account comes back on its own (cooldown, deactivated workspace). */
  until?: number;
  /** Why: the cooldown reason or the refresh failure. */
  reason?: string;
}

/** What state an account is in for display, most serious first. Pure. */
export function accountState(account: Account, pin: Pin | undefined, now: number): AccountState {
  const pinned = pin !== undefined && pin.accountId === account.id && (pin.until === undefined || pin.until > now);
  const health = account.health;
  if (!account.enabled) return { kind: 'disabled', pinned };
  if (health.reloginRequired) return { kind: 'relogin-required', pinned, reason: health.reloginRequired.reason };
  if (health.workspaceDeactivatedUntil !== undefined && health.workspaceDeactivatedUntil > now)
    return { kind: 'workspace-deactivated', pinned, until: health.workspaceDeactivatedUntil };
  if (health.cooldownUntil !== undefined && health.cooldownUntil > now)
    return { kind: 'cooling-down', pinned, until: health.cooldownUntil, reason: health.cooldownReason };
  return { kind: 'active', pinned };
}

/** The short label for the state column: `active`, `cooling down`, `sign-in needed`, `disabled`, plus `, pinned`. Until when goes in the advice line. */
export function stateLabel(state: AccountState): { text: string; tone: Tone } {
  const pinned = state.pinned ? ', pinned' : '';
  switch (state.kind) {
    case 'active':
      return { text: `active${pinned}`, tone: 'ok' };
    case 'cooling-down':
      return { text: `cooling down${pinned}`, tone: 'warn' };
    case 'workspace-deactivated':
      return { text: `workspace off${pinned}`, tone: 'warn' };
    case 'relogin-required':
      return { text: `sign-in needed${pinned}`, tone: 'bad' };
    case 'disabled':
      return { text: `disabled${pinned}`, tone: 'muted' };
  }
}

/** What the user should do about an account (or what it waits for), or undefined when nothing is needed. */
export function attentionAdvice(account: Account, state: AccountState, now: number, timeZone?: string): string | undefined {
  switch (state.kind) {
    case 'relogin-required':
      return `new sign-in needed (${state.reason ?? 'refresh failed'}): run \`opencode-multi-auth login ${account.alias}\``;
    case 'disabled':
      return undefined;
    case 'workspace-deactivated':
      return (
        `the ChatGPT workspace is deactivated; retried at ${formatMoment(state.until!, now, { timeZone })}, ` +
        `or run \`opencode-multi-auth disable ${account.alias}\``
      );
    case 'cooling-down':
      return (
        `cooling down${state.reason ? ` (${state.reason})` : ''} until ${formatMoment(state.until!, now, { timeZone })}; ` +
        `it comes back on its own, or run \`opencode-multi-auth clear ${account.alias}\``
      );
    default:
      return undefined;
  }
}
