import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildAuthorizeUrl, redirectUriFor } from '../../src/signin/authorize-url.js';
import { challengeFor, createPkce, createState } from '../../src/signin/pkce.js';

describe('PKCE', () => {
  it('matches the RFC 7636 example', () => {
    expect(challengeFor('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes a fresh verifier whose challenge is its S256 hash', () => {
    const first = createPkce();
    const second = createPkce();
    expect(first.verifier).not.toBe(second.verifier);
    expect(first.verifier.length).toBeGreaterThanOrEqual(43);
    expect(first.challenge).toBe(createHash('sha256').update(first.verifier).digest('base64url'));
    expect(createState()).not.toBe(createState());
  });
});

describe('authorize URL', () => {
  it('carries what the issuer needs for the Codex client', () => {
    const url = new URL(
      buildAuthorizeUrl({ issuer: 'https://auth.example/', clientId: 'client', redirectUri: redirectUriFor(1456), codeChallenge: 'ch', state: 'st' }),
    );
    expect(url.origin + url.pathname).toBe('https://auth.example/oauth/authorize');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'client',
      redirect_uri: 'http://localhost:1456/auth/callback',
      scope: 'openid profile email offline_access',
      code_challenge: 'ch',
      code_challenge_method: 'S256',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
      state: 'st',
      originator: 'codex_cli_rs',
    });
  });
});
