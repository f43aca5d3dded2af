import { z } from 'zod';
import { OAuthError, OAuthResponseError } from './errors.js';

/** The Codex CLI's public OAuth client id (OpenCode's ChatGPT sign-in uses it too). */
export const CLIENT_ID = 'app_EMoamEEZ73f0CkXaXp7hrann';

const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});

const ErrorBodySchema = z.looseObject({
  error: z
    .union([z.string(), z.looseObject({ code: z.string().optional().catch(undefined), message: z.string().optional().catch(undefined) })])
    .optional()
    .catch(undefined),
  error_description: z.string().optional().catch(undefined),
  code: z.string().optional().catch(undefined),
  message: z.string().optional().catch(undefined),
});

/** What a token endpoint grants. The refresh token is absent when the issuer did not rotate it. */
export interface TokenGrant {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Seconds until the access token expires. */
  expiresIn?: number;
}

export interface OAuthRequestOptions {
  fetch?: typeof fetch;
  clientId?: string;
  signal?: AbortSignal;
}

/** Pure: the error code and description of an issuer error body (any shape, possibly not JSON). */
export function parseOAuthErrorBody(text: string): { code?: string; description?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (!parsed.success) return {};
  const body = parsed.data;
  if (typeof body.error === 'string') return { code: body.error, description: body.error_description ?? body.message };
  if (body.error) return { code: body.error.code, description: body.error.message ?? body.error_description };
  return { code: body.code, description: body.error_description ?? body.message };
}

async function postToken(issuer: string, params: Record<string, string>, options: OAuthRequestOptions): Promise<TokenGrant> {
  const endpoint = `${issuer.replace(/\/+$/, '')}/oauth/token`;
  const doFetch = options.fetch ?? fetch;
  const response = await doFetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(params).toString(),
    signal: options.signal,
  });
  const text = await response.text();
  if (!response.ok) {
    const { code, description } = parseOAuthErrorBody(text);
    throw new OAuthError(response.status, code, description, endpoint);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OAuthResponseError(endpoint, 'the body is not JSON');
  }
  const parsed = TokenResponseSchema.safeParse(json);
  if (!parsed.success) throw new OAuthResponseError(endpoint, parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    idToken: parsed.data.id_token,
    expiresIn: parsed.data.expires_in,
  };
}

/** Spends `refreshToken` for a new token set. Throws {@link OAuthError} when the issuer refuses. */
export function refreshTokens(issuer: string, refreshToken: string, options: OAuthRequestOptions = {}): Promise<TokenGrant> {
  return postToken(issuer, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: options.clientId ?? CLIENT_ID }, options);
}

/** Exchanges an authorization code from the browser or device flow for a token set. */
export function exchangeAuthorizationCode(
  issuer: string,
  grant: { code: string; redirectUri: string; codeVerifier: string },
  options: OAuthRequestOptions = {},
): Promise<TokenGrant> {
  return postToken(
    issuer,
    {
      grant_type: 'authorization_code',
      code: grant.code,
      redirect_uri: grant.redirectUri,
      client_id: options.clientId ?? CLIENT_ID,
      code_verifier: grant.codeVerifier,
    },
    options,
  );
}
