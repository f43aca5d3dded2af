import type { SimAccount } from './accounts.js';
import { bearerToken, sendJson } from './http.js';
import type { RequestContext } from './state.js';

/** The account a backend request claims to be, valid or not: by its token first, else by its header. */
export function claimedBackendAccount(ctx: RequestContext): string | undefined {
  const token = bearerToken(ctx.req);
  const byToken = token ? ctx.state.tokens.accountOfAccessToken(token) : undefined;
  const header = ctx.req.headers['chatgpt-account-id'];
  return byToken ?? (typeof header === 'string' ? header : undefined);
}

const TOKEN_MESSAGES = {
  invalid_token: 'Could not parse your authentication token. Please try signing in again.',
  token_expired: 'Provided authentication token is expired. Please try signing in again.',
  token_revoked: 'Your authentication token has been invalidated. Please try signing in again.',
} as const;

/** What a residency-locked or FedRAMP workspace answers a request without its headers (codex-rs `api_bridge.rs`). */
export const WORKSPACE_REGION_MESSAGE = 'Workspace is not authorized in this region.';

/**
 * The region a workspace is locked to: its data residency, else its compute residency; none for
 * `no_constraint` or no claim. The official client and independent ones send it as
 * `x-openai-internal-codex-residency` (PROTOCOL.md §8, "Residency and FedRAMP").
 */
export function requiredResidency(account: SimAccount): string | undefined {
  for (const value of [account.identity.dataResidency, account.identity.computeResidency]) {
    if (value !== undefined && value !== '' && value !== 'no_constraint') return value;
  }
  return undefined;
}

/**
 * PROTOCOL.md §8: a residency-locked workspace refuses requests without
 * `x-openai-internal-codex-residency: <its region>`, and a FedRAMP one (`chatgpt_account_is_fedramp`)
 * without `X-OpenAI-Fedramp: true`, with 401 "Workspace is not authorized in this region." — a 401
 * a token refresh cannot fix. Every backend route (responses, usage, catalog) goes through here.
 * Answers the refusal itself and returns false.
 */
function regionAllows(ctx: RequestContext, account: SimAccount): boolean {
  const residency = requiredResidency(account);
  const sentResidency = ctx.req.headers['x-openai-internal-codex-residency'];
  const residencyOk = residency === undefined || sentResidency === residency;
  const fedrampOk = account.identity.fedramp !== true || String(ctx.req.headers['x-openai-fedramp'] ?? '').toLowerCase() === 'true';
  if (residencyOk && fedrampOk) return true;
  sendJson(ctx.res, 401, { error: { message: WORKSPACE_REGION_MESSAGE }, status: 401 });
  return false;
}

/**
 * Authenticates a backend request as the real backend does: a live bearer token, a matching
 * `ChatGPT-Account-Id`, an active workspace. Answers the failure itself and returns undefined.
 */
export function authenticateBackend(ctx: RequestContext): SimAccount | undefined {
  const { state, res } = ctx;
  const token = bearerToken(ctx.req);
  if (!token) {
    sendJson(res, 401, {
      error: { message: 'Missing bearer authentication in header', type: 'invalid_request_error', code: 'invalid_token' },
    });
    return undefined;
  }
  const check = state.tokens.checkAccessToken(token);
  if (!check.ok) {
    // A revoked token reports `invalid_token`, as the real backend cannot tell revoked from forged.
    const code = check.code === 'token_expired' ? 'token_expired' : 'invalid_token';
    sendJson(res, 401, { error: { message: TOKEN_MESSAGES[check.code], type: 'invalid_request_error', code } });
    return undefined;
  }
  const header = ctx.req.headers['chatgpt-account-id'];
  if (typeof header !== 'string' || header === '') {
    sendJson(res, 401, {
      error: { message: 'Missing ChatGPT-Account-Id header', type: 'invalid_request_error', code: 'missing_account_id' },
    });
    return undefined;
  }
  if (header !== check.accountId) {
    sendJson(res, 403, {
      error: {
        message: 'ChatGPT-Account-Id does not match the authenticated account.',
        type: 'invalid_request_error',
        code: 'account_mismatch',
      },
    });
    return undefined;
  }
  const account = state.accounts.get(check.accountId);
  if (!account) {
    sendJson(res, 401, { error: { message: TOKEN_MESSAGES.invalid_token, type: 'invalid_request_error', code: 'invalid_token' } });
    return undefined;
  }
  if (!regionAllows(ctx, account)) return undefined;
  if (account.deactivated) {
    sendJson(res, 402, { detail: { code: 'deactivated_workspace' } });
    return undefined;
  }
  return account;
}
