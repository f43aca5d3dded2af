import { CODEX_CLIENT_ID, TokenResponseSchema, type Grant } from './grant.js';
import { IssuerRequestError } from './errors.js';
import { describeErrorBody, issuerFetch, type FetchLike } from './issuer-http.js';

export interface CodeExchangeInput {
  code: string;
  redirectUri: string;
  codeVerifier: string;
}

/** Trades an authorization code for tokens at `{issuer}/oauth/token` (form-encoded, PKCE). */
export async function exchangeCode(issuer: string, input: CodeExchangeInput, options: { fetch?: FetchLike } = {}): Promise<Grant> {
  const fetchImpl = options.fetch ?? fetch;
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: CODEX_CLIENT_ID,
    code_verifier: input.codeVerifier,
  });
  const response = await issuerFetch(fetchImpl, 'the code exchange', `${issuer.replace(/\/+$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: body.toString(),
  });
  if (!response.ok) throw new IssuerRequestError('the code exchange', response.status, await describeErrorBody(response));
  const parsed = TokenResponseSchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new IssuerRequestError('the code exchange', response.status, 'the answer had no access and refresh token');
  return parsed.data;
}
