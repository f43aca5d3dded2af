import { exchangeAuthorizationCode } from '../tokens/oauth-client.js';
import { OAuthError } from '../tokens/errors.js';
import { IssuerRequestError } from './errors.js';
import type { Grant } from './grant.js';
import type { FetchLike } from './issuer-http.js';

export interface CodeExchangeInput {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** Trades an authorization code for tokens at `{issuer}/oauth/token` (PKCE). Every failure is an {@link IssuerRequestError}. */
export async function exchangeCode(issuer: string, input: CodeExchangeInput, options: { fetch?: FetchLike } = {}): Promise<Grant> {
  const step = 'the code exchange';
  let grant;
  try {
    grant = await exchangeAuthorizationCode(issuer, input, { fetch: options.fetch });
  } catch (error) {
    if (error instanceof OAuthError)
      throw new IssuerRequestError(step, error.status, [error.code, error.description].filter(Boolean).join(': ') || 'no details');
    if (error instanceof TypeError) throw new IssuerRequestError(step, undefined, (error.cause as Error | undefined)?.message ?? error.message);
    throw new IssuerRequestError(step, undefined, (error as Error).message);
  }
  if (!grant.refreshToken) throw new IssuerRequestError(step, 200, 'the answer had no refresh token');
  return { ...grant, refreshToken: grant.refreshToken };
}
