import { afterEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../src/tokens/jwt-claims.js';
import { startSimulator, type Simulator, type SimTokens } from './index.js';
import { CLIENT_ID, getUsage, postJson, postResponses, refresh } from './client.js';

let sim: Simulator;
afterEach(async () => {
  await sim?.close();
});

describe('tokens', () => {
  it('mints distinct JWTs carrying the account claims and an exp from the sim clock', async () => {
    const start = Date.UTC(2026, 1, 1);
    sim = await startSimulator({
      startTime: start,
      freezeClock: true,
      accessTokenLifetimeSeconds: 120,
      accounts: [{ accountId: 'acc-1', email: 'one@example.test', plan: 'pro' }],
    });
    const first = sim.issueTokens('acc-1');
    const second = sim.issueTokens('acc-1');
    expect(first.access_token).not.toBe(second.access_token);
    expect(first.refresh_token).not.toBe(second.refresh_token);
    expect(first.expires_in).toBe(120);
    expect(readIdentity({ idToken: first.id_token, accessToken: first.access_token })).toEqual({
      chatgptAccountId: 'acc-1',
      userId: 'user-acc-1',
      email: 'one@example.test',
      plan: 'pro',
      expiresAt: start + 120_000,
    });
    expect(readIdentity({ idToken: first.id_token }).email).toBe('one@example.test');
  });

  it('rotates the refresh token on every refresh; both old and new access tokens stay valid', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const signedIn = sim.issueTokens('a');
    const res = await refresh(sim, signedIn.refresh_token);
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as SimTokens & { token_type: string };
    expect(rotated.token_type).toBe('Bearer');
    expect(rotated.refresh_token).not.toBe(signedIn.refresh_token);
    expect(rotated.access_token).not.toBe(signedIn.access_token);
    expect(readIdentity({ idToken: rotated.id_token }).chatgptAccountId).toBe('a');
    expect(sim.counters.refreshes('a')).toBe(1);

    // The new refresh token is spendable in turn (JSON body accepted too).
    const again = await postJson(`${sim.issuer}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: rotated.refresh_token,
      client_id: CLIENT_ID,
    });
    expect(again.status).toBe(200);
    expect(sim.counters.refreshes('a')).toBe(2);
    expect((await getUsage(sim, 'codex', rotated, 'a')).status).toBe(200);
  });

  it('answers refresh_token_reused to a spent refresh token and revokes the whole family', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }, { accountId: 'b' }] });
    const signedIn = sim.issueTokens('a');
    const other = sim.issueTokens('b');
    const rotated = (await (await refresh(sim, signedIn.refresh_token)).json()) as SimTokens;
    expect((await postResponses(sim, rotated, 'a')).status).toBe(200);

    const reused = await refresh(sim, signedIn.refresh_token);
    expect(reused.status).toBe(401);
    const body = (await reused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('refresh_token_reused');
    expect(typeof body.error.message).toBe('string');
    expect(sim.counters.reuseEvents('a')).toBe(1);

    // The newest access token of the family dies with it, and so does its unspent refresh token.
    const revokedAccess = await postResponses(sim, rotated, 'a');
    expect(revokedAccess.status).toBe(401);
    expect(await revokedAccess.json()).toMatchObject({ error: { code: 'invalid_token' } });
    const revokedRefresh = await refresh(sim, rotated.refresh_token);
    expect(revokedRefresh.status).toBe(401);
    expect(((await revokedRefresh.json()) as { error: { code: string } }).error.code).toBe('refresh_token_invalidated');

    // Another account is untouched, and a fresh sign-in works again.
    expect((await postResponses(sim, other, 'b')).status).toBe(200);
    expect((await postResponses(sim, sim.issueTokens('a'), 'a')).status).toBe(200);
  });

  it('answers invalid_grant to an unknown refresh token and 400 to a foreign client id', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const unknown = await refresh(sim, 'rt_nope');
    expect(unknown.status).toBe(401);
    expect(((await unknown.json()) as { error: string }).error).toBe('invalid_grant');

    const tokens = sim.issueTokens('a');
    const wrongClient = await postJson(`${sim.issuer}/oauth/token`, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: 'app_other',
    });
    expect(wrongClient.status).toBe(400);
    // The rejected request did not spend the token.
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
  });

  it('expires access tokens by the sim clock', async () => {
    sim = await startSimulator({ accessTokenLifetimeSeconds: 30, accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    expect((await postResponses(sim, tokens, 'a')).status).toBe(200);
    sim.clock.advance(31_000);
    const expired = await postResponses(sim, tokens, 'a');
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ error: { code: 'token_expired' } });
    const renewed = (await (await refresh(sim, tokens.refresh_token)).json()) as SimTokens;
    expect((await postResponses(sim, renewed, 'a')).status).toBe(200);
  });

  it('revokeAccountTokens kills every family of the account', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const one = sim.issueTokens('a');
    const two = sim.issueTokens('a');
    sim.revokeAccountTokens('a');
    expect((await getUsage(sim, 'codex', one, 'a')).status).toBe(401);
    expect((await getUsage(sim, 'codex', two, 'a')).status).toBe(401);
    expect((await refresh(sim, two.refresh_token)).status).toBe(401);
  });
});
