import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { sendJson, sendText } from './http.js';
import type { RouteHandler } from './route.js';
import { chooseAccountPage } from './sign-in-pages.js';
import type { RequestContext } from './state.js';

export const CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

/** The only callback ports the real client id is registered with (PROTOCOL.md §8, "Browser sign-in ports"). */
export const REGISTERED_REDIRECT_PORTS: readonly number[] = [1455, 1457];

/**
 * Whether `redirect` is a registered redirect URI: exactly `http://localhost:<port>/auth/callback`
 * with an allowed port. Not 127.0.0.1, not another path: the issuer matches the string.
 */
function isRegisteredRedirect(redirect: string, ports: readonly number[]): boolean {
  return ports.some((port) => redirect === `http://localhost:${port}/auth/callback`);
}

/**
 * What auth.openai.com shows for an authorize request it refuses before redirecting (an unregistered
 * redirect URI among them): a generic page naming only `unknown_error`, with no way back to the client.
 */
const UNKNOWN_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>Error - OpenAI</title></head><body><h1>Oops!</h1>' +
  '<p>An error occurred during authentication (unknown_error). Please try again.</p></body></html>';

const TokenRequestSchema = z.looseObject({
  grant_type: z.string(),
  client_id: z.string().optional(),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
});

function oauthError(error: string, description: string) {
  return { error, error_description: description };
}

/**
 * A refused refresh. The issuer answers the refresh-token codes in the OpenAI error envelope
 * `{"error":{"code","message"}}` (codex-rs reads `error.code`), older or other paths the plain OAuth
 * `{"error":"<code>"}`; clients must read both (PROTOCOL.md §8, "Error shapes").
 */
function refreshError(style: 'envelope' | 'oauth', code: string, message: string) {
  return style === 'envelope' ? { error: { code, message, type: 'invalid_request_error' } } : oauthError(code, message);
}

function tokenRequestOf(ctx: RequestContext) {
  const parsed = TokenRequestSchema.safeParse(ctx.body);
  return parsed.success ? parsed.data : undefined;
}

/** `POST /oauth/token`: authorization codes (browser and device) and rotating, single-use refresh tokens. */
export const tokenRoute: RouteHandler = {
  route: 'token',
  identify(ctx) {
    const request = tokenRequestOf(ctx);
    if (request?.grant_type === 'refresh_token' && request.refresh_token) {
      return ctx.state.tokens.accountOfRefreshToken(request.refresh_token);
    }
    if (request?.grant_type === 'authorization_code' && request.code) {
      return ctx.state.signIn.accountOfCode(request.code);
    }
    return undefined;
  },
  handle(ctx) {
    const { state, res } = ctx;
    const request = tokenRequestOf(ctx);
    if (!request) {
      sendJson(res, 400, oauthError('invalid_request', 'grant_type is required (form or JSON body).'));
      return Promise.resolve();
    }
    if (request.client_id !== CLIENT_ID) {
      sendJson(res, 400, oauthError('invalid_client', `Unknown client_id: ${request.client_id ?? '(missing)'}`));
      return Promise.resolve();
    }
    if (request.grant_type === 'authorization_code') {
      if (!request.code) {
        sendJson(res, 400, oauthError('invalid_request', 'code is required.'));
        return Promise.resolve();
      }
      const redeemed = state.signIn.redeemCode(request.code, {
        clientId: request.client_id,
        redirectUri: request.redirect_uri,
        codeVerifier: request.code_verifier,
      });
      if (!redeemed.ok) {
        sendJson(res, 400, oauthError('invalid_grant', redeemed.description));
        return Promise.resolve();
      }
      const tokens = state.tokens.issue(redeemed.accountId);
      sendJson(res, 200, { ...tokens, token_type: 'Bearer', scope: 'openid profile email offline_access' });
      return Promise.resolve();
    }
    if (request.grant_type === 'refresh_token') {
      if (!request.refresh_token) {
        sendJson(res, 400, oauthError('invalid_request', 'refresh_token is required.'));
        return Promise.resolve();
      }
      const outcome = state.tokens.exchangeRefreshToken(request.refresh_token);
      const accountId = outcome.accountId;
      if (accountId !== undefined && state.refreshAnswerListeners.size > 0) {
        res.once('finish', () => {
          const answer = { accountId, status: res.statusCode, lastByteAt: performance.timeOrigin + performance.now() };
          for (const listener of state.refreshAnswerListeners) listener(answer);
        });
      }
      if (outcome.ok) {
        state.counters.countRefresh(outcome.accountId);
        sendJson(res, 200, { ...outcome.tokens, token_type: 'Bearer', scope: 'openid profile email offline_access' });
        return Promise.resolve();
      }
      if (outcome.error === 'refresh_token_reused') {
        if (outcome.accountId) state.counters.countReuse(outcome.accountId);
        sendJson(
          res,
          401,
          refreshError(
            state.refreshErrorStyle,
            'refresh_token_reused',
            'Your refresh token has already been used to generate a new access token. Please try signing in again.',
          ),
        );
        return Promise.resolve();
      }
      if (outcome.error === 'refresh_token_invalidated') {
        sendJson(
          res,
          401,
          refreshError(state.refreshErrorStyle, 'refresh_token_invalidated', 'Your refresh token has been invalidated. Please try signing in again.'),
        );
        return Promise.resolve();
      }
      // The plain OAuth shape, with no description to lean on (PROTOCOL.md §8, "Error shapes").
      sendJson(res, 401, { error: 'invalid_grant' });
      return Promise.resolve();
    }
    sendJson(res, 400, oauthError('unsupported_grant_type', `Unsupported grant_type: ${request.grant_type}`));
    return Promise.resolve();
  },
};

/** What is wrong with an authorize request (the issuer refuses it before any login page), or undefined. */
function authorizeProblem(state: RequestContext['state'], q: URLSearchParams): string | undefined {
  return (() => {
    if (q.get('response_type') !== 'code') return 'response_type must be code';
    if (q.get('client_id') !== CLIENT_ID) return 'unknown client_id';
    const redirect = q.get('redirect_uri');
    if (!redirect || !URL.canParse(redirect)) return 'redirect_uri must be an absolute URL';
    if (!isRegisteredRedirect(redirect, state.redirectPorts)) return 'unregistered';
    if (!q.get('code_challenge')) return 'code_challenge is required';
    if (q.get('code_challenge_method') !== 'S256') return 'code_challenge_method must be S256';
    if (!(q.get('scope') ?? '').split(/\s+/).includes('offline_access')) return 'scope must include offline_access';
    if (state.accounts.size === 0) return 'the simulator has no account to sign in as';
    return undefined;
  })();
}

/** PROTOCOL.md §8: an unregistered redirect URI makes the issuer refuse with a generic page, never a redirect. */
function sendUnknownErrorPage(res: RequestContext['res']): void {
  sendText(res, 400, UNKNOWN_ERROR_PAGE, { 'content-type': 'text/html; charset=utf-8' });
}

/** Sends the browser back to the client with a fresh authorization code for `accountId`. */
function redirectWithCode(ctx: RequestContext, q: URLSearchParams, accountId: string): void {
  const code = ctx.state.signIn.issueCode({
    accountId,
    clientId: CLIENT_ID,
    redirectUri: q.get('redirect_uri')!,
    codeChallenge: q.get('code_challenge')!,
  });
  const target = new URL(q.get('redirect_uri')!);
  target.searchParams.set('code', code);
  const stateParam = q.get('state');
  if (stateParam !== null) target.searchParams.set('state', stateParam);
  sendText(ctx.res, 302, '', { location: target.toString() });
}

/**
 * `GET /oauth/authorize`: the browser sign-in. The request is validated first. With the sign-in page
 * on (`npm run sim`), a page lets the person choose the account; otherwise it is redirected back at
 * once as the sign-in account, as if the user had clicked through.
 */
export const authorizeRoute: RouteHandler = {
  route: 'authorize',
  identify: (ctx) => (ctx.state.signInPage ? undefined : ctx.state.signIn.accountId),
  handle(ctx) {
    const { state, res, url } = ctx;
    const q = url.searchParams;
    const problem = authorizeProblem(state, q);
    if (problem === 'unregistered') {
      sendUnknownErrorPage(res);
      return Promise.resolve();
    }
    if (problem) {
      sendJson(res, 400, oauthError('invalid_request', problem));
      return Promise.resolve();
    }
    if (state.signInPage) {
      sendText(res, 200, chooseAccountPage(state, q), { 'content-type': 'text/html; charset=utf-8' });
      return Promise.resolve();
    }
    redirectWithCode(ctx, q, state.signIn.accountId ?? [...state.accounts.keys()][0]!);
    return Promise.resolve();
  },
};

/** `POST /oauth/authorize`: the account chosen on the sign-in page, with the original request. */
export const authorizeChoiceRoute: RouteHandler = {
  route: 'authorize-choice',
  identify: (ctx) => (ctx.body as { account_id?: string } | undefined)?.account_id,
  handle(ctx) {
    const fields = (ctx.body ?? {}) as Record<string, string>;
    const { account_id: accountId, ...query } = fields;
    const q = new URLSearchParams(query);
    const problem =
      authorizeProblem(ctx.state, q) ?? (accountId && ctx.state.accounts.has(accountId) ? undefined : `unknown account ${accountId ?? '(none chosen)'}`);
    if (problem === 'unregistered') {
      sendUnknownErrorPage(ctx.res);
      return Promise.resolve();
    }
    if (problem) {
      sendJson(ctx.res, 400, oauthError('invalid_request', problem));
      return Promise.resolve();
    }
    redirectWithCode(ctx, q, accountId!);
    return Promise.resolve();
  },
};
