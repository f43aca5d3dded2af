/** Where the local callback server answers; part of the redirect URI the issuer sends the browser to. */
export const CALLBACK_PATH = '/auth/callback';

/** What the official codex CLI sends as `originator`; the issuer tailors its pages to it. */
const DEFAULT_ORIGINATOR = 'codex_cli_rs';

export function redirectUriFor(port: number): string {
  return `http://localhost:${port}${CALLBACK_PATH}`;
}

export interface AuthorizeUrlInput {
  issuer: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
  /** Default {@link DEFAULT_ORIGINATOR}. */
  originator?: string;
}

/** The address the browser opens to sign in (PROTOCOL §4, the same parameters as the codex CLI). */
export function buildAuthorizeUrl(input: AuthorizeUrlInput): string {
  const url = new URL(`${input.issuer.replace(/\/+$/, '')}/oauth/authorize`);
  const params: [string, string][] = [
    ['response_type', 'code'],
    ['client_id', input.clientId],
    ['redirect_uri', input.redirectUri],
    ['scope', 'openid profile email offline_access'],
    ['code_challenge', input.codeChallenge],
    ['code_challenge_method', 'S256'],
    ['id_token_add_organizations', 'true'],
    ['codex_cli_simplified_flow', 'true'],
    ['state', input.state],
    ['originator', input.originator ?? DEFAULT_ORIGINATOR],
  ];
  for (const [key, value] of params) url.searchParams.set(key, value);
  return url.toString();
}
