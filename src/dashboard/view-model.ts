import { redact } from '../log/redact.js';
import { exclusionsOf, type EligibilityContext, type Exclusion } from '../rotator/exclusion.js';
import { describeExclusion } from '../rotator/explain.js';
import { WINDOW_KINDS, type Account, type SnapshotSource, type StoreData, type WindowSnapshot, type WindowKind } from '../store/schema.js';
import type { Strategy } from '../config/config.js';
import type { RefreshProgress } from '../usage/refresh-queue.js';
import { isSnapshotStale } from '../usage/staleness.js';
import { readAccountRouting } from '../store/jwt-claims.js';
import { servingView, type ServingView } from './serving-view.js';
import { HISTORY_SPAN_MS, type HistoryPoint } from './usage-history.js';
import { accountFamilies } from '../usage/limit-families.js';

/*
 * What the page shows, as a pure function of the store. Every field is picked by name: an account's
 * tokens never reach the page, because nothing here copies an object it did not build.
 */

const SOURCE_LABELS: Record<SnapshotSource, string> = {
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

/** A limit family's usage on one account (PROTOCOL.md §8). */
export interface FamilyView {
  /** The limit id, e.g. `codex_bengalfox`. */
  id: string;
  /** Its display name, else its id. */
  label: string;
  fiveHour: WindowView | null;
  weekly: WindowView | null;
  /** A 30-day window of its own; null when it has none. */
  monthly: WindowView | null;
  /** Until when its models are out on this account after its 429; null when they are not. */
  outUntil: number | null;
}

export interface AccountView {
  id: string;
  alias: string;
  email: string | null;
  plan: string | null;
  enabled: boolean;
  pinned: boolean;
  state: { kind: StateKind; label: string; tone: Tone; reasons: string[] };
  /** Only a new sign-in brings it back (whatever else holds it): the card offers one. */
  needsSignIn: boolean;
  fiveHour: WindowView | null;
  weekly: WindowView | null;
  /** The free plan's 30-day window; null for plans without one. */
  monthly: WindowView | null;
  /** The workspace's region (`x-openai-internal-codex-residency`), from its token; null when unconstrained. */
  residency: string | null;
  fedramp: boolean;
  credits: { hasCredits: boolean; unlimited: boolean; balance: string | null } | null;
  /** Limit families of their own over some models, by id. */
  families: FamilyView[];
  requestsToday: number;
  requestsTotal: number;
  lastUsedAt: number | null;
  lastError: LastErrorView | null;
  refresh: { state: RefreshProgress['state']; reason: string | null } | null;
  /** `[epoch ms, percent used]` pairs of the last day, oldest first. */
  timeline: Record<WindowKind, [number, number][]>;
}

export interface LastErrorView {
  message: string;
  at: number;
  /** A later success that disproves the error: the page shows it as resolved. Null while it stands. */
  resolvedBy: { what: 'request' | 'usage-refresh'; at: number } | null;
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
  /** Who serves a new session now, and each recent session's account: the rotator's own decision. */
  serving: ServingView;
  signIn: SignInView | null;
}

export interface ViewInputs {
  now: number;
  eligibility: Pick<EligibilityContext, 'pauseAtPercent' | 'snapshotStaleAfterMs' | 'useCredits'>;
  /** The routing strategy the plugin uses. Default `sticky`. */
  strategy?: Strategy;
  history?: readonly HistoryPoint[];
  progress?: readonly RefreshProgress[];
  signIn?: SignInView | null;
}

/** A finished refresh is shown this long, then the card goes quiet (a failure also stays as the last error). */
const REFRESH_RESULT_SHOWN_MS = 60_000;

const STATE_OF: Record<Exclusion['kind'], { kind: StateKind; label: string; tone: Tone }> = {
  disabled: { kind: 'disabled', label: 'disabled', tone: 'muted' },
  'relogin-required': { kind: 'relogin-required', label: 'sign-in needed', tone: 'bad' },
  'workspace-deactivated': { kind: 'workspace-deactivated', label: 'workspace off', tone: 'warn' },
  cooldown: { kind: 'cooling-down', label: 'cooling down', tone: 'warn' },
  'model-unsupported': { kind: 'active', label: 'active', tone: 'ok' },
  'usage-limit': { kind: 'limited', label: 'limit reached', tone: 'warn' },
  'limit-reached': { kind: 'limited', label: 'limit reached', tone: 'warn' },
  // Both concern one model only: the account itself stays active.
  'family-limit': { kind: 'active', label: 'active', tone: 'ok' },
  'model-not-in-catalog': { kind: 'active', label: 'active', tone: 'ok' },
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

function familyViews(account: Account, now: number, staleAfterMs: number): FamilyView[] {
  return accountFamilies(account).map(({ id, usage: family, cooldown }) => {
    return {
      id,
      label: family?.limitName ?? id,
      fiveHour: windowView(family?.fiveHour, now, staleAfterMs),
      weekly: windowView(family?.weekly, now, staleAfterMs),
      monthly: windowView(family?.monthly, now, staleAfterMs),
      outUntil: cooldown && cooldown.until > now ? cooldown.until : null,
    };
  });
}

/** The account's state and every reason it cannot serve, most fundamental first. */
function stateView(account: Account, context: EligibilityContext): AccountView['state'] {
  const exclusions = exclusionsOf(account, context);
  const first = exclusions[0];
  const state = first ? STATE_OF[first.kind] : STATE_OF['already-tried'];
  return { ...state, reasons: exclusions.map((exclusion) => redact(describeExclusion(exclusion, context.now, account.alias))) };
}

/**
 * The last error, and what disproved it: a request served after it, or a usage refresh that answered
 * after it (a snapshot from the usage endpoint observed later). A request that failed again keeps it standing.
 */
export function lastErrorView(account: Account): LastErrorView | null {
  const error = account.health.lastError;
  if (!error) return null;
  const servedAt = account.stats.lastUsedAt;
  const refreshedAt = Math.max(
    ...[account.usage.fiveHour, account.usage.weekly].map((snapshot) => (snapshot?.source === 'usage-endpoint' ? (snapshot.observedAt ?? 0) : 0)),
  );
  let resolvedBy: LastErrorView['resolvedBy'] = null;
  if (servedAt !== undefined && servedAt > error.at) resolvedBy = { what: 'request', at: servedAt };
  if (refreshedAt > error.at && (resolvedBy === null || refreshedAt > resolvedBy.at)) resolvedBy = { what: 'usage-refresh', at: refreshedAt };
  return { message: redact(error.message), at: error.at, resolvedBy };
}

function timelineOf(accountId: string, account: Account, history: readonly HistoryPoint[], from: number): AccountView['timeline'] {
  const timeline: AccountView['timeline'] = { fiveHour: [], weekly: [], monthly: [] };
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

function routingView(account: Account): { residency: string | null; fedramp: boolean } {
  const routing = readAccountRouting(account.tokens);
  return { residency: routing.residency ?? null, fedramp: routing.fedramp };
}

function creditsView(account: Account): AccountView['credits'] {
  const credits = account.usage.credits;
  if (!credits || (credits.hasCredits === undefined && credits.unlimited === undefined && credits.balance === undefined)) return null;
  return { hasCredits: credits.hasCredits ?? false, unlimited: credits.unlimited ?? false, balance: credits.balance ?? null };
}

function accountView(account: Account, data: StoreData, inputs: ViewInputs): AccountView {
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
    needsSignIn: account.health.reloginRequired !== undefined,
    fiveHour: windowView(account.usage.fiveHour, now, context.snapshotStaleAfterMs),
    weekly: windowView(account.usage.weekly, now, context.snapshotStaleAfterMs),
    monthly: windowView(account.usage.monthly, now, context.snapshotStaleAfterMs),
    ...routingView(account),
    credits: creditsView(account),
    families: familyViews(account, now, context.snapshotStaleAfterMs),
    requestsToday: account.stats.daily?.[utcDay(now)] ?? 0,
    requestsTotal: account.stats.requests,
    lastUsedAt: account.stats.lastUsedAt ?? null,
    lastError: lastErrorView(account),
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
    serving: servingView(data, { strategy: inputs.strategy ?? 'sticky', ...inputs.eligibility }, now),
    signIn: inputs.signIn ?? null,
  };
}
