import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../src/store/jwt-claims.js';
import { CLIENT_ID, postForm, postJson } from './client.js';
import { startSimulator, type Simulator } from './index.js';

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close();
});

const REDIRECT = 'http://localhost:1455/auth/callback';

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const authorizeQuery = (challenge: string) =>
  new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid profile email offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st-1',
  });

describe('the sign-in page (npm run sim)', () => {
  it('lets a person choose which simulated account signs in', async () => {
    sim = await startSimulator({
      signInPage: true,
      accounts: [
        { accountId: 'first', email: 'first@example.test' },
        { accountId: 'second', email: 'second@example.test' },
      ],
    });
    const { verifier, challenge } = pkce();
    const query = authorizeQuery(challenge);
    const page = await fetch(`${sim.issuer}/oauth/authorize?${query}`, { redirect: 'manual' });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign in as first@example.test');
    expect(html).toContain('Sign in as second@example.test');

    const chosen = await fetch(`${sim.issuer}/oauth/authorize`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...Object.fromEntries(query), account_id: 'second' }),
      redirect: 'manual',
    });
    expect(chosen.status).toBe(302);
    const location = new URL(chosen.headers.get('location')!);
    expect(location.searchParams.get('state')).toBe('st-1');
    const tokens = await postForm(`${sim.issuer}/oauth/token`, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: REDIRECT,
      client_id: CLIENT_ID,
      code_verifier: verifier,
    });
    expect(tokens.status).toBe(200);
    expect(readIdentity({ accessToken: ((await tokens.json()) as { access_token: string }).access_token }).chatgptAccountId).toBe('second');
  });

  it('refuses a choice of an account it does not have, and a tampered request', async () => {
    sim = await startSimulator({ signInPage: true, accounts: [{ accountId: 'first' }] });
    const query = Object.fromEntries(authorizeQuery(pkce().challenge));
    const post = (fields: Record<string, string>) =>
      fetch(`${sim.issuer}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields),
        redirect: 'manual',
      });
    expect((await post({ ...query, account_id: 'nobody' })).status).toBe(400);
    expect((await post({ ...query, client_id: 'other', account_id: 'first' })).status).toBe(400);
  });

  it('approves a device code typed on the page, as the account chosen there', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'first' }, { accountId: 'second' }] });
    const started = (await (await postJson(`${sim.issuer}/api/accounts/deviceauth/usercode`, { client_id: CLIENT_ID })).json()) as {
      device_auth_id: string;
      user_code: string;
    };
    const poll = () => postJson(`${sim.issuer}/api/accounts/deviceauth/token`, { device_auth_id: started.device_auth_id, user_code: started.user_code });
    expect((await poll()).status).toBe(403);
    const page = await (await fetch(`${sim.issuer}/codex/device`)).text();
    expect(page).toContain('<option value="second">');
    const approve = (userCode: string, accountId: string) =>
      fetch(`${sim.issuer}/codex/device`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ user_code: userCode, account_id: accountId }),
      });
    const wrong = await approve('ZZZZ-0000', 'second');
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain('No sign-in is waiting for the code ZZZZ-0000');
    const right = await approve(` ${started.user_code.toLowerCase()} `, 'second');
    expect(right.status).toBe(200);
    expect(await right.text()).toContain(`Approved ${started.user_code} as second`);
    const grant = await poll();
    expect(grant.status).toBe(200);
    expect(sim.counters.requests('device-approve', 'second')).toBe(2);
  });
});
