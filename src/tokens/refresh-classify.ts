/** Issuer codes after which the refresh token can never work again. */
const PERMANENT_REFRESH_CODES = ['refresh_token_reused', 'refresh_token_expired', 'refresh_token_invalidated'] as const;

/**
 * Whether a failed refresh means the account needs a new sign-in. A 401 or one of the
 * {@link PERMANENT_REFRESH_CODES} does; anything else (5xx, 429, network, odd bodies) is transient,
 * because benching an account for a passing failure costs the user a sign-in.
 */
export function isPermanentRefreshFailure(status: number | undefined, code: string | undefined): boolean {
  if (status === 401) return true;
  return code !== undefined && (PERMANENT_REFRESH_CODES as readonly string[]).includes(code);
}

/** How long to wait before the next refresh attempt after `failures` transient failures in a row. */
export function refreshBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(5_000 * 2 ** (failures - 1), 5 * 60_000);
}
