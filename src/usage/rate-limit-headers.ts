import type { Credits, LimitFlag, SnapshotSource, WindowSnapshot } from '../store/schema.js';
import { classifyWindowMinutes, type WindowKind } from './windows.js';

/** One family's windows, each placed by its length (never by primary/secondary position). */
export interface WindowPair {
  fiveHour?: WindowSnapshot;
  weekly?: WindowSnapshot;
  monthly?: WindowSnapshot;
}

/** What one look at an account's limits told us: from response headers, the usage endpoint or a probe. */
export interface UsageObservation extends WindowPair {
  credits?: Credits;
  /** The usage endpoint's `allowed`/`limit_reached`/`rate_limit_reached_type` (never from reply headers). */
  limit?: LimitFlag;
  /** Other limit families (`x-<name>-*` headers, `additional_rate_limits`), keyed by name. */
  additional?: Record<string, WindowPair>;
  planType?: string;
}

/** The family whose windows are the account's own; every other `x-<name>-primary-*` family goes to `additional`. */
export const MAIN_FAMILY = 'codex';

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

function collectFamilies(headers: Headers): Map<string, { primary: RawWindow; secondary: RawWindow }> {
  const families = new Map<string, { primary: RawWindow; secondary: RawWindow }>();
  headers.forEach((value, name) => {
    const match = WINDOW_HEADER.exec(name.toLowerCase());
    if (!match) return;
    const [, family, position, field] = match as unknown as [string, string, 'primary' | 'secondary', Field];
    let entry = families.get(family);
    if (!entry) {
      entry = { primary: {}, secondary: {} };
      families.set(family, entry);
    }
    entry[position][field] = value;
  });
  return families;
}

function pairFromRaw(raw: { primary: RawWindow; secondary: RawWindow }, observedAt: number, source: SnapshotSource): WindowPair {
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
 * the credits headers, and other families `x-<name>-primary-*`. Each window is classified by its
 * minutes, never by position. Fields are absent when their headers are absent or malformed.
 */
export function snapshotsFromHeaders(
  headers: Headers,
  observedAt: number,
  source: SnapshotSource = 'response-headers',
): UsageObservation {
  const observation: UsageObservation = {};
  for (const [family, raw] of collectFamilies(headers)) {
    const pair = pairFromRaw(raw, observedAt, source);
    if (!pair.fiveHour && !pair.weekly && !pair.monthly) continue;
    if (family === MAIN_FAMILY) {
      if (pair.fiveHour) observation.fiveHour = pair.fiveHour;
      if (pair.weekly) observation.weekly = pair.weekly;
      if (pair.monthly) observation.monthly = pair.monthly;
    } else {
      (observation.additional ??= {})[family] = pair;
    }
  }
  const credits = creditsFromHeaders(headers, observedAt);
  if (credits) observation.credits = credits;
  const planType = headers.get(`x-${MAIN_FAMILY}-plan-type`)?.trim();
  if (planType) observation.planType = planType;
  return observation;
}

/** True when the observation carries at least one window (credits alone do not tell us the limits). */
export function hasWindows(observation: UsageObservation): boolean {
  if (observation.fiveHour || observation.weekly || observation.monthly) return true;
  return Object.values(observation.additional ?? {}).some((pair) => pair.fiveHour || pair.weekly || pair.monthly);
}
