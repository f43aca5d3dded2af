/** Why a usage read failed, as far as the caller needs to decide what to do next. */
export type UsageFailureKind =
  /** Cloudflare challenge (HTML body or `cf-mitigated: challenge`): per-IP pressure, not the account's fault. */
  | 'challenge'
  /** 401: the access token was refused. Refresh it once and retry before calling the account broken. */
  | 'unauthorized'
  /**
   * 401 "Workspace is not authorized in this region.": a residency-locked or FedRAMP workspace reached
   * from the wrong region. Not a token problem: refreshing cannot fix it (PROTOCOL.md §8).
   */
  | 'workspace-region'
  /** 403 with a JSON body. Never proof the account is invalid: the route may just not serve this token. */
  | 'forbidden'
  | 'not-found'
  /** 402 `deactivated_workspace`. */
  | 'deactivated-workspace'
  | 'rate-limited'
  /** Any other non-2xx answer. */
  | 'http'
  | 'timeout'
  /** No answer at all (connection refused, reset, DNS). */
  | 'network'
  /** A 2xx answer whose body is not JSON. */
  | 'malformed'
  | 'cancelled';

export type UsageRoute = 'codex' | 'wham';

/** A usage-endpoint read failed. Carries no token; `message` says what happened and what happens next. */
export class UsageEndpointError extends Error {
  override readonly name = 'UsageEndpointError';
  constructor(
    readonly kind: UsageFailureKind,
    message: string,
    readonly details: { route?: UsageRoute; status?: number; attempts?: number; tried?: UsageRoute[] } = {},
  ) {
    super(message);
  }
}

/** A probe request (or the codex CLI probe) could not learn the account's limits. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
  constructor(
    readonly kind: 'rationed' | 'http' | 'no-headers' | 'timeout' | 'network' | 'cli-failed' | 'cancelled',
    message: string,
    readonly details: { status?: number; nextAllowedAt?: number; exitCode?: number | null } = {},
  ) {
    super(message);
  }
}
