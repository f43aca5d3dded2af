import { redact } from '../log/redact.js';
import { exclusionsOf, type EligibilityContext, type Exclusion } from '../rotator/exclusion.js';
import { describeExclusion } from '../rotator/explain.js';
import type { Account, SnapshotSource, StoreData, WindowSnapshot } from '../store/schema.js';
import type { RefreshProgress } from '../usage/refresh-queue.js';
import { isSnapshotStale } from '../usage/staleness.js';
import { WINDOW_KINDS, type WindowKind } from '../usage/windows.js';
import { HISTORY_SPAN_MS, type HistoryPoint } from './usage-history.js';

/*
 * What the page shows, as a pure function of the store. Every field is picked by name: an account's
 * tokens never reach the page, because nothing here copies an object it did not build.
 */

export const SOURCE_LABELS: Record<SnapshotSource, string> = {
  'usage-endpoint': 'usage endpoint',
  'response-headers': 'reply headers',
  probe: 'probe',
  'codex-cli': 'codex CLI',
};

export type StateKind = 'active' | 'limited' | 'cooling-down' | 'relogin-required' | 'workspace-deactivated' | 'disabled';
export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export interface WindowView {
  /** Percent USED, 0..100 (clamped for the bar; the stored value may exceed 100). */
  usedPercent: number;
  /** Epoch ms, or null when unknown. */
  resetsAt: number | null;
  observedAt: number | null;
  source: SnapshotSource;
  sourceLabel: string;
  /** Too old or already reset: it no longer pauses the account. */
  stale: boolean;
}

export interface AccountView {
  id: string;
  alias: string;
  email: string | null;
  plan: string | null;
  enabled: boolean;
  pinned: boolean;
  state: { kind: StateKind; label: string; tone: Tone; reasons: string[] };
  fiveHour: WindowView | null;
  weekly: WindowView | null;
  requestsToday: number;
  requestsTotal: number;
  lastUsedAt: number | null;
  lastError: { message: string; at: number } | null;
  refresh: { state: RefreshProgress['state']; reason: string | null } | null;
  /** `[epoch ms, percent used]` pairs of the last day, oldest first. */
  timeline: Record<WindowKind, [number, number][]>;
}

export interface SignInView {
  state: 'waiting' | 'done' | 'failed';
  url: string | null;
  message: string;
}

export interface DashboardView {
  generatedAt: number;
  timeline: { from: number; to: number };
  pin: { accountId: string; alias: string; until: number | null } | null;
  accounts: AccountView[];
  signIn: SignInView | null;
}

export interface ViewInputs {
  now: number;
  eligibility: Pick<EligibilityContext, 'pauseAtPercent' | 'snapshotStaleAfterMs'>;
  history?: readonly HistoryPoint[];
  progress?: readonly RefreshProgress[];
  signIn?: SignInView | null;
}

/** A finished refresh is shown this long, then the card goes quiet (a failure also stays as the last error). */
export const REFRESH_RESULT_SHOWN_MS = 60_000;

const STATE_OF: Record<Exclusion['kind'], { kind: StateKind; label: string; tone: Tone }> = {
  disabled: { kind: 'disabled', label: 'disabled', tone: 'muted' },
  'relogin-required': { kind: 'relogin-required', label: 'sign-in needed', tone: 'bad' },
  'workspace-deactivated': { kind: 'workspace-deactivated', label: 'workspace off', tone: 'warn' },
  cooldown: { kind: 'cooling-down', label: 'cooling down', tone: 'warn' },
  'model-unsupported': { kind: 'active', label: 'active', tone: 'ok' },
  'usage-limit': { kind: 'limited', label: 'limit reached', tone: 'warn' },
  'already-tried': { kind: 'active', label: 'active', tone: 'ok' },
  'not-pinned': { kind: 'active', label: 'active', tone: 'ok' },
};

/** The UTC day `recordRequestServed` files a request under. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

export function windowView(snapshot: WindowSnapshot | undefined, now: number, staleAfterMs: number): WindowView | null {
  if (!snapshot) return null;
  return {
    usedPercent: Math.min(100, Math.max(0, snapshot.usedPercent)),
    resetsAt: snapshot.resetsAt ?? null,
    observedAt: snapshot.observedAt ?? null,
    source: snapshot.source,
    sourceLabel: SOURCE_LABELS[snapshot.source],
    stale: isSnapshotStale(snapshot, now, staleAfterMs),
  };
}

/** The account's state and every reason it cannot serve, most fundamental first. */
export function stateView(account: Account, context: EligibilityContext): AccountView['state'] {
  const exclusions = exclusionsOf(account, context);
  const first = exclusions[0];
  const state = first ? STATE_OF[first.kind] : STATE_OF['already-tried'];
  return { ...state, reasons: exclusions.map((exclusion) => redact(describeExclusion(exclusion, context.now, account.alias))) };
}

function timelineOf(accountId: string, account: Account, history: readonly HistoryPoint[], from: number): AccountView['timeline'] {
  const timeline: AccountView['timeline'] = { fiveHour: [], weekly: [] };
  for (const point of history) {
    if (point.accountId === accountId && point.at >= from) timeline[point.window].push([point.at, Math.min(100, Math.max(0, point.usedPercent))]);
  }
  // The current snapshot is always a point, even before the history has caught it.
  for (const window of WINDOW_KINDS) {
    const snapshot = account.usage[window];
    const series = timeline[window];
    if (snapshot?.observedAt !== undefined && snapshot.observedAt >= from && !series.some(([at]) => at === snapshot.observedAt)) {
      series.push([snapshot.observedAt, Math.min(100, Math.max(0, snapshot.usedPercent))]);
    }
    series.sort((a, b) => a[0] - b[0]);
  }
  return timeline;
}

export function accountView(account: Account, data: StoreData, inputs: ViewInputs): AccountView {
  const { now } = inputs;
  const context: EligibilityContext = { now, ...inputs.eligibility };
  const pin = data.pin;
  const found = inputs.progress?.find((entry) => entry.accountId === account.id);
  const progress = found && (found.finishedAt === undefined || now - found.finishedAt < REFRESH_RESULT_SHOWN_MS) ? found : undefined;
  return {
    id: account.id,
    alias: account.alias,
    email: account.email ?? null,
    plan: account.plan ?? null,
    enabled: account.enabled,
    pinned: pin !== undefined && pin.accountId === account.id && (pin.until === undefined || pin.until > now),
    state: stateView(account, context),
    fiveHour: windowView(account.usage.fiveHour, now, context.snapshotStaleAfterMs),
    weekly: windowView(account.usage.weekly, now, context.snapshotStaleAfterMs),
    requestsToday: account.stats.daily?.[utcDay(now)] ?? 0,
    requestsTotal: account.stats.requests,
    lastUsedAt: account.stats.lastUsedAt ?? null,
    lastError: account.health.lastError ? { message: redact(account.health.lastError.message), at: account.health.lastError.at } : null,
    refresh: progress ? { state: progress.state, reason: progress.reason === undefined ? null : redact(progress.reason) } : null,
    timeline: timelineOf(account.id, account, inputs.history ?? [], now - HISTORY_SPAN_MS),
  };
}

/** Everything the page shows. Pure: the same store, clock and inputs give the same view. */
export function dashboardView(data: StoreData, inputs: ViewInputs): DashboardView {
  const { now } = inputs;
  const pinned = data.pin && (data.pin.until === undefined || data.pin.until > now) ? data.pin : undefined;
  const pinnedAccount = pinned ? data.accounts.find((account) => account.id === pinned.accountId) : undefined;
  return {
    generatedAt: now,
    timeline: { from: now - HISTORY_SPAN_MS, to: now },
    pin: pinned && pinnedAccount ? { accountId: pinned.accountId, alias: pinnedAccount.alias, until: pinned.until ?? null } : null,
    accounts: data.accounts.map((account) => accountView(account, data, inputs)),
    signIn: inputs.signIn ?? null,
  };
}
