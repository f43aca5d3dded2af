/** A probe spends a little quota, so each account gets at most one per this interval. */
export const PROBE_INTERVAL_MS = 30 * 60_000;

/** A small model the Codex backend serves to every plan; override with the queue's `probeModel` option. */
export const DEFAULT_PROBE_MODEL = 'gpt-5.4-mini';

/** When the next probe of an account may run (epoch ms); `now` or earlier means it may run now. */
export function nextProbeAllowedAt(lastProbeAt: number | undefined, intervalMs: number = PROBE_INTERVAL_MS): number {
  return lastProbeAt === undefined ? -Infinity : lastProbeAt + intervalMs;
}

export function isProbeAllowed(lastProbeAt: number | undefined, now: number, intervalMs: number = PROBE_INTERVAL_MS): boolean {
  return nextProbeAllowedAt(lastProbeAt, intervalMs) <= now;
}
