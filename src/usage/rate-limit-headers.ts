import type { Credits, LimitFlag, SnapshotSource, WindowSnapshot, WindowKind } from '../store/schema.js';
import { ACCOUNT_WIDE_LIMIT, activeFamily, normalizeLimitId } from './limit-families.js';
import { classifyWindowMinutes } from './windows.js';

/** One family's windows, each placed by its length (never by primary/secondary position). */
export interface WindowPair {
  fiveHour?: WindowSnapshot;
  weekly?: WindowSnapshot;
  monthly?: WindowSnapshot;
}

/** One limit family's windows and display name. */
export interface FamilyWindows extends WindowPair {
  limitName?: string;
}

/** What one look at an account's limits told us: from response headers, the usage endpoint or a probe. */
export interface UsageObservation extends WindowPair {
  credits?: Credits;
  /** The usage endpoint's `allowed`/`limit_reached`/`rate_limit_reached_type` (never from reply headers). */
  limit?: LimitFlag;
  /** Limit families (`x-<family>-*` headers, `additional_rate_limits`), keyed by limit id (`codex_bengalfox`). */
  additional?: Record<string, FamilyWindows>;
  /**
   * Reply headers only: the limit `x-codex-active-limit` named, a family id or `premium` (the
   * account-wide limit); undefined when the header was absent.
   */
  activeLimit?: string;
  /** Usage endpoint only: this lists every family the account has, so stored ones it lacks are gone. */
  completeFamilies?: boolean;
  planType?: string;
}

/** The header family of the unnamed slots (`x-codex-primary-*`); every other `x-<name>-primary-*` family goes to `additional`. */
const MAIN_FAMILY = 'codex';

const WINDOW_HEADER = /^x-(.+)-(primary|secondary)-(used-percent|window-minutes|reset-at|reset-after-seconds)$/;

type Field = 'used-percent' | 'window-minutes' | 'reset-at' | 'reset-after-seconds';
type RawWindow = Partial<Record<Field, string>>;

/** A finite, non-negative number, or undefined for anything else (empty, "NaN", "-3", "abc"). */
export function parseHeaderNumber(value: string | null | undefined): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  const number = Number(text);
  return Number.isFinite(number) && number >= 0 ? number : undefined;
}

/** The backend writes booleans Python-style ("True"/"False"); accept the usual spellings, nothing else. */
export function parseHeaderBoolean(value: string | null | undefined): boolean | undefined {
  if (value == null) return undefined;
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1' || text === 'yes') return true;
  if (text === 'false' || text === '0' || text === 'no') return false;
  return undefined;
}

/**
 * Builds a snapshot from the raw numbers of one window. Returns undefined when the percent used is
 * missing or malformed, or when the window length is unknown (a window is never placed by position).
 */
export function windowFromParts(
  parts: { usedPercent?: number; windowMinutes?: number; resetAtSeconds?: number; resetAfterSeconds?: number },
  observedAt: number,
  source: SnapshotSource,
): { kind: WindowKind; snapshot: WindowSnapshot } | undefined {
  const { usedPercent, windowMinutes } = parts;
  if (usedPercent === undefined || !Number.isFinite(usedPercent) || usedPercent < 0) return undefined;
  const kind = classifyWindowMinutes(windowMinutes);
  if (!kind || windowMinutes === undefined) return undefined;
  const snapshot: WindowSnapshot = { usedPercent, windowMinutes, observedAt, source };
  if (parts.resetAtSeconds !== undefined && parts.resetAtSeconds > 0) {
    snapshot.resetsAt = parts.resetAtSeconds * 1_000;
  } else if (parts.resetAfterSeconds !== undefined) {
    snapshot.resetsAt = observedAt + parts.resetAfterSeconds * 1_000;
  }
  return { kind, snapshot };
}

/** Puts a window in its slot; when two windows claim the same length, the first one (primary) is kept. */
export function placeWindow(pair: WindowPair, placed: { kind: WindowKind; snapshot: WindowSnapshot } | undefined): void {
  if (!placed || pair[placed.kind]) return;
  pair[placed.kind] = placed.snapshot;
}

const LIMIT_NAME_HEADER = /^x-(.+)-limit-name$/;

interface RawFamily {
  primary: RawWindow;
  secondary: RawWindow;
  limitName?: string;
}

/** Header families by normalized limit id (`x-codex-bengalfox-*` → `codex_bengalfox`; the unnamed slots → `codex`). */
function collectFamilies(headers: Headers): Map<string, RawFamily> {
  const families = new Map<string, RawFamily>();
  headers.forEach((value, name) => {
    const lower = name.toLowerCase();
    const nameMatch = LIMIT_NAME_HEADER.exec(lower);
    if (nameMatch) {
      const id = normalizeLimitId(nameMatch[1]!);
      const entry = families.get(id) ?? { primary: {}, secondary: {} };
      if (value.trim()) entry.limitName = value.trim();
      families.set(id, entry);
      return;
    }
    const match = WINDOW_HEADER.exec(lower);
    if (!match) return;
    const [, rawFamily, position, field] = match as unknown as [string, string, 'primary' | 'secondary', Field];
    const family = normalizeLimitId(rawFamily);
    let entry = families.get(family);
    if (!entry) {
      entry = { primary: {}, secondary: {} };
      families.set(family, entry);
    }
    entry[position][field] = value;
  });
  return families;
}

function pairFromRaw(raw: RawFamily, observedAt: number, source: SnapshotSource): WindowPair {
  const pair: WindowPair = {};
  for (const window of [raw.primary, raw.secondary]) {
    placeWindow(
      pair,
      windowFromParts(
        {
          usedPercent: parseHeaderNumber(window['used-percent']),
          windowMinutes: parseHeaderNumber(window['window-minutes']),
          resetAtSeconds: parseHeaderNumber(window['reset-at']),
          resetAfterSeconds: parseHeaderNumber(window['reset-after-seconds']),
        },
        observedAt,
        source,
      ),
    );
  }
  return pair;
}

function creditsFromHeaders(headers: Headers, observedAt: number): Credits | undefined {
  const hasCredits = parseHeaderBoolean(headers.get(`x-${MAIN_FAMILY}-credits-has-credits`));
  const unlimited = parseHeaderBoolean(headers.get(`x-${MAIN_FAMILY}-credits-unlimited`));
  const balanceText = headers.get(`x-${MAIN_FAMILY}-credits-balance`)?.trim();
  const balance = balanceText ? balanceText : undefined;
  if (hasCredits === undefined && unlimited === undefined && balance === undefined) return undefined;
  const credits: Credits = { observedAt };
  if (hasCredits !== undefined) credits.hasCredits = hasCredits;
  if (unlimited !== undefined) credits.unlimited = unlimited;
  if (balance !== undefined) credits.balance = balance;
  return credits;
}

/**
 * Reads the rate-limit headers of a `/codex/responses` reply: `x-codex-primary-*` and
 * `x-codex-secondary-*` (used-percent, window-minutes, reset-at in unix seconds, reset-after-seconds),
 * the credits headers, and named families `x-<family>-primary-*` with `x-<family>-limit-name`. Each
 * window is classified by its minutes, never by position.
 *
 * The unnamed slots carry whichever limit is active for this request (PROTOCOL.md §8): when
 * `x-codex-active-limit` names a family, they are that FAMILY's numbers and are recorded as the
 * family's, never as the account's 5 h / weekly windows. Decided by the name, never by comparing values.
 */
export function snapshotsFromHeaders(headers: Headers, observedAt: number, source: SnapshotSource = 'response-headers'): UsageObservation {
  const observation: UsageObservation = {};
  const activeHeader = headers.get(`x-${MAIN_FAMILY}-active-limit`);
  const active = activeFamily(activeHeader);
  if (activeHeader?.trim()) observation.activeLimit = active ?? ACCOUNT_WIDE_LIMIT;
  const families = collectFamilies(headers);
  for (const [family, raw] of families) {
    const pair = pairFromRaw(raw, observedAt, source);
    const owner = family === MAIN_FAMILY ? active : family;
    if (owner === undefined) {
      if (pair.fiveHour) observation.fiveHour = pair.fiveHour;
      if (pair.weekly) observation.weekly = pair.weekly;
      if (pair.monthly) observation.monthly = pair.monthly;
      continue;
    }
    if (!pair.fiveHour && !pair.weekly && !pair.monthly && raw.limitName === undefined) continue;
    const additional = (observation.additional ??= {});
    const entry = (additional[owner] ??= {});
    // The family's own named headers win over the unnamed slots; they say the same on a family turn.
    placeOver(entry, 'fiveHour', pair.fiveHour, family !== MAIN_FAMILY);
    placeOver(entry, 'weekly', pair.weekly, family !== MAIN_FAMILY);
    placeOver(entry, 'monthly', pair.monthly, family !== MAIN_FAMILY);
    if (raw.limitName !== undefined) entry.limitName = raw.limitName;
  }
  const credits = creditsFromHeaders(headers, observedAt);
  if (credits) observation.credits = credits;
  const planType = headers.get(`x-${MAIN_FAMILY}-plan-type`)?.trim();
  if (planType) observation.planType = planType;
  return observation;
}

function placeOver(pair: WindowPair, kind: WindowKind, snapshot: WindowSnapshot | undefined, override: boolean): void {
  if (!snapshot || (pair[kind] && !override)) return;
  pair[kind] = snapshot;
}

/** True when the observation carries at least one window (credits alone do not tell us the limits). */
export function hasWindows(observation: UsageObservation): boolean {
  if (observation.fiveHour || observation.weekly || observation.monthly) return true;
  return Object.values(observation.additional ?? {}).some((pair) => pair.fiveHour || pair.weekly || pair.monthly);
}
