import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../src/tokens/jwt-claims.js';
import { startSimulator, type Simulator, type SimTokens } from './index.js';
import { CLIENT_ID, postForm, postJson, postResponses } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const REDIRECT = 'http://localhost:1455/auth/callback';

function authorizeUrl(s: Simulator, challenge: string, overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    state: 'st-123',
    originator: 'opencode',
    ...overrides,
  });
  return `${s.issuer}/oauth/authorize?${params}`;
}

async function authorize(s: Simulator, challenge: string): Promise<URL> {
  const res = await fetch(authorizeUrl(s, challenge), { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

function exchange(s: Simulator, code: string, verifier: string, redirectUri = REDIRECT) {
  return postForm(`${s.issuer}/oauth/token`, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: redirectUri,
    client_id: CLIENT_ID,
    code_verifier: verifier,
  });
}

describe('browser sign-in', () => {
  it('redirects to the callback with a code and the state, and exchanges it with the right verifier', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'first' }, { accountId: 'second' }] });
    sim.setSignInAccount('second');
    const { verifier, challenge } = pkce();
    const location = await authorize(sim, challenge);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('st-123');
    const code = location.searchParams.get('code')!;

    const wrongVerifier = await exchange(sim, code, pkce().verifier);
    expect(wrongVerifier.status).toBe(400);
    expect(((await wrongVerifier.json()) as { error: string }).error).toBe('invalid_grant');

    const res = await exchange(sim, code, verifier);
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as SimTokens & { token_type: string };
    expect(tokens.token_type).toBe('Bearer');
    expect(readIdentity({ idToken: tokens.id_token, accessToken: tokens.access_token }).chatgptAccountId).toBe('second');
    expect((await postResponses(sim, tokens, 'second')).status).toBe(200);

    // Codes are single-use.
    expect((await exchange(sim, code, verifier)).status).toBe(400);
    expect(sim.counters.requests('authorize', 'second')).toBe(1);
  });

  it('signs in as the first account by default and checks the redirect_uri at exchange', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'first' }, { accountId: 'second' }] });
    const { verifier, challenge } = pkce();
    const code = (await authorize(sim, challenge)).searchParams.get('code')!;
    expect((await exchange(sim, code, verifier, 'http://localhost:9999/other')).status).toBe(400);
    const tokens = (await (await exchange(sim, code, verifier)).json()) as SimTokens;
    expect(readIdentity({ accessToken: tokens.access_token }).chatgptAccountId).toBe('first');
  });

  it.each([
    ['response_type', { response_type: 'token' }],
    ['client_id', { client_id: 'app_other' }],
    ['code_challenge_method', { code_challenge_method: 'plain' }],
    ['scope without offline_access', { scope: 'openid profile email' }],
    ['redirect_uri', { redirect_uri: 'not a url' }],
  ])('rejects a bad %s', async (_name, overrides) => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const res = await fetch(authorizeUrl(sim, pkce().challenge, overrides), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_request');
  });
});

describe('device sign-in', () => {
  async function startDevice(s: Simulator) {
    const res = await postJson(`${s.issuer}/api/accounts/deviceauth/usercode`, { client_id: CLIENT_ID });
    expect(res.status).toBe(200);
    return (await res.json()) as { device_auth_id: string; user_code: string; interval: string };
  }

  function poll(s: Simulator, device: { device_auth_id: string; user_code: string }) {
    return postJson(`${s.issuer}/api/accounts/deviceauth/token`, {
      device_auth_id: device.device_auth_id,
      user_code: device.user_code,
    });
  }

  it('answers authorization_pending until approved, then hands out a code exchangeable at /oauth/token', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'dev' }] });
    sim.setSignInAccount('dev');
    const device = await startDevice(sim);
    expect(device.user_code).toMatch(/^[A-Z]{4}-\d{4}$/);
    expect(device.interval).toBe('1');

    const pending = await poll(sim, device);
    expect(pending.status).toBe(403);
    expect(await pending.json()).toEqual({ error: 'authorization_pending' });

    sim.approveDeviceCode(device.user_code);
    const approved = await poll(sim, device);
    expect(approved.status).toBe(200);
    const grant = (await approved.json()) as { authorization_code: string; code_challenge: string; code_verifier: string };
    expect(createHash('sha256').update(grant.code_verifier).digest('base64url')).toBe(grant.code_challenge);

    const tokens = await exchange(sim, grant.authorization_code, grant.code_verifier, `${sim.issuer}/deviceauth/callback`);
    expect(tokens.status).toBe(200);
    const { access_token } = (await tokens.json()) as SimTokens;
    expect(readIdentity({ accessToken: access_token }).chatgptAccountId).toBe('dev');
  });

  it('approves itself after the configured number of polls', async () => {
    sim = await startSimulator({ autoApproveDeviceAfterPolls: 2, accounts: [{ accountId: 'a' }] });
    const device = await startDevice(sim);
    expect((await poll(sim, device)).status).toBe(403);
    expect((await poll(sim, device)).status).toBe(403);
    expect((await poll(sim, device)).status).toBe(200);
    expect(sim.counters.requests('device-token')).toBe(3);
  });

  it('rejects unknown device codes and foreign clients, and serves the device page', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    expect((await postJson(`${sim.issuer}/api/accounts/deviceauth/usercode`, { client_id: 'x' })).status).toBe(400);
    expect((await poll(sim, { device_auth_id: 'deviceauth_nope', user_code: 'ABCD-1234' })).status).toBe(404);
    expect(() => sim.approveDeviceCode('ZZZZ-0000')).toThrow();
    const page = await fetch(`${sim.issuer}/codex/device`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});
