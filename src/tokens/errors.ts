import { redact } from '../log/redact.js';

/** The account's refresh token is dead; only a new sign-in brings it back. The account is marked in the store. */
export class ReloginRequiredError extends Error {
  override readonly name = 'ReloginRequiredError';
  constructor(
    readonly accountId: string,
    readonly alias: string,
    /** The issuer's code (`refresh_token_reused`, …) or `http_401`. */
    readonly reason: string,
  ) {
    super(`Account "${alias}" needs a new sign-in (${reason}). Run "opencode-multi-auth login ${alias}".`);
  }
}

/** A refresh failed for a reason that may pass (network, 5xx, rate limit). The account keeps its refresh token. */
export class TokenRefreshError extends Error {
  override readonly name = 'TokenRefreshError';
  readonly transient = true as const;
  constructor(
    readonly accountId: string,
    readonly alias: string,
    readonly status?: number,
    readonly code?: string,
    /** When the keeper will try again on its own, epoch ms. */
    readonly retryAt?: number,
    cause?: unknown,
  ) {
    const what = status
      ? `the issuer answered ${status}${code ? ` ${code}` : ''}`
      : `the issuer could not be reached${cause instanceof Error ? ` (${redact(cause.message)})` : ''}`;
    super(`Refreshing the token of account "${alias}" failed: ${what}. It will be retried; nothing needs doing unless this persists.`);
  }
}

/** The issuer answered a token request with an error. `code` is `body.error` (string) or `body.error.code`. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly description: string | undefined,
    readonly endpoint: string,
  ) {
    super(redact(`${endpoint} answered ${status}${code ? ` ${code}` : ''}${description ? `: ${description}` : ''}`));
  }
}

/** The issuer's answer was not the shape a token response has. */
export class OAuthResponseError extends Error {
  override readonly name = 'OAuthResponseError';
  constructor(
    readonly endpoint: string,
    readonly problem: string,
  ) {
    super(`${endpoint} answered 200 but not with a token response (${redact(problem)}).`);
  }
}

/** Tokens whose claims do not say which ChatGPT account they belong to. */
export class TokenIdentityError extends Error {
  override readonly name = 'TokenIdentityError';
  constructor(readonly source: string) {
    super(`The tokens from ${source} do not name a ChatGPT account (no chatgpt_account_id claim). Sign in again with a ChatGPT account.`);
  }
}

/** The keeper was asked about an account the store does not hold. */
export class UnknownAccountError extends Error {
  override readonly name = 'UnknownAccountError';
  constructor(readonly accountId: string) {
    super(`No account with id ${accountId} in the store; it may have been removed by another process.`);
  }
}
