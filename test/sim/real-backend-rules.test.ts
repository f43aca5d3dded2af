import { createHash, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwtPayload } from '../../src/store/jwt-claims.js';
import { backendHeaders, CLIENT_ID, getUsage, postJson, postResponses, refresh, responsesBody } from './client.js';
import { startSimulator, WORKSPACE_REGION_MESSAGE, type Simulator } from './index.js';

/*
 * The rules of PROTOCOL.md §8 ("The real backend, beyond the happy path"), each on by default in the
 * simulator. Every test here fails if its rule is switched off or made kinder.
 */

let sim: Simulator;
afterEach(async () => {
  await (sim as Simulator | undefined)?.close(); // unset when a test failed before starting one
});

function authorizeUrl(redirectUri: string): string {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    scope: 'openid profile email offline_access',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'st',
  });
  return `${sim.issuer}/oauth/authorize?${params}`;
}

describe('§8 browser sign-in ports', () => {
  it.each([1455, 1457])('redirects to http://localhost:%i/auth/callback', async (port) => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const answer = await fetch(authorizeUrl(`http://localhost:${port}/auth/callback`), { redirect: 'manual' });
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toMatch(new RegExp(`^http://localhost:${port}/auth/callback\\?code=`));
  });

  it.each([
    ['port 1456', 'http://localhost:1456/auth/callback'],
    ['port 1458', 'http://localhost:1458/auth/callback'],
    ['127.0.0.1 instead of localhost', 'http://127.0.0.1:1455/auth/callback'],
    ['another path', 'http://localhost:1455/callback'],
  ])('refuses %s with the generic unknown_error page and no redirect', async (_name, redirect) => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const answer = await fetch(authorizeUrl(redirect), { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(answer.headers.get('content-type')).toContain('text/html');
    expect(await answer.text()).toContain('unknown_error');
  });

  it('accepts other ports only when a test allows them deliberately', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }], redirectPorts: [40123] });
    expect((await fetch(authorizeUrl('http://localhost:40123/auth/callback'), { redirect: 'manual' })).status).toBe(302);
    expect((await fetch(authorizeUrl('http://localhost:1455/auth/callback'), { redirect: 'manual' })).status).toBe(400);
  });
});

describe('§8 residency and FedRAMP', () => {
  const accounts = [
    { accountId: 'us-locked', computeResidency: 'us' },
    { accountId: 'eu-data', computeResidency: 'no_constraint', dataResidency: 'eu' },
    { accountId: 'fed', fedramp: true },
    { accountId: 'free-to-roam', computeResidency: 'no_constraint' },
  ];

  it('puts the claims in the access token', async () => {
    sim = await startSimulator({ accounts });
    const auth = decodeJwtPayload(sim.issueTokens('us-locked').access_token)?.['https://api.openai.com/auth'];
    expect(auth).toMatchObject({ chatgpt_compute_residency: 'us' });
    const fed = decodeJwtPayload(sim.issueTokens('fed').access_token)?.['https://api.openai.com/auth'];
    expect(fed).toMatchObject({ chatgpt_account_is_fedramp: true });
  });

  it.each([
    ['us-locked', { 'x-openai-internal-codex-residency': 'us' }],
    ['eu-data', { 'x-openai-internal-codex-residency': 'eu' }],
    ['fed', { 'x-openai-fedramp': 'true' }],
  ] as const)('refuses %s with 401 "Workspace is not authorized in this region." on every backend route without its header', async (accountId, needed) => {
    sim = await startSimulator({ accounts });
    const tokens = sim.issueTokens(accountId);
    const without = [
      await postResponses(sim, tokens, accountId),
      await getUsage(sim, 'codex', tokens, accountId),
      await getUsage(sim, 'wham', tokens, accountId),
    ];
    for (const answer of without) {
      expect(answer.status).toBe(401);
      expect(await answer.json()).toEqual({ error: { message: WORKSPACE_REGION_MESSAGE }, status: 401 });
    }
    const headers = { ...backendHeaders(tokens, accountId), ...needed };
    const served = await fetch(`${sim.baseUrl}/codex/responses`, { method: 'POST', headers, body: JSON.stringify(responsesBody()) });
    expect(served.status).toBe(200);
    await served.text();
    expect((await fetch(`${sim.baseUrl}/codex/usage`, { headers })).status).toBe(200);
  });

  it('wants the region itself, not any value', async () => {
    sim = await startSimulator({ accounts });
    const tokens = sim.issueTokens('us-locked');
    const answer = await fetch(`${sim.baseUrl}/codex/usage`, {
      headers: { ...backendHeaders(tokens, 'us-locked'), 'x-openai-internal-codex-residency': 'eu' },
    });
    expect(answer.status).toBe(401);
  });

  it('asks nothing of a no_constraint workspace', async () => {
    sim = await startSimulator({ accounts });
    expect((await getUsage(sim, 'codex', sim.issueTokens('free-to-roam'), 'free-to-roam')).status).toBe(200);
  });
});

describe('§8 usage replies in every 2026 shape', () => {
  async function usageOf(spec: Parameters<Simulator['addAccount']>[0]) {
    sim = await startSimulator({ accounts: [spec], startTime: Date.UTC(2026, 2, 1), freezeClock: true });
    const answer = await getUsage(sim, 'codex', sim.issueTokens(spec.accountId), spec.accountId);
    expect(answer.status).toBe(200);
    return (await answer.json()) as { rate_limit: Record<string, unknown>; credits: unknown; rate_limit_reached_type: unknown; plan_type: string };
  }

  it('weekly-only: the weekly window as primary, secondary null', async () => {
    const reply = await usageOf({ accountId: 'w', usageShape: 'weekly-only', weeklyUsedPercent: 40 });
    expect(reply.rate_limit.primary_window).toMatchObject({ used_percent: 40, limit_window_seconds: 604_800 });
    expect(reply.rate_limit.secondary_window).toBeNull();
  });

  it('weekly-only with a zero-length secondary and an empty reset_at', async () => {
    const reply = await usageOf({ accountId: 'w', usageShape: 'weekly-only-zero-secondary', weeklyUsedPercent: 40 });
    expect(reply.rate_limit.primary_window).toMatchObject({ limit_window_seconds: 604_800 });
    expect(reply.rate_limit.secondary_window).toEqual({ used_percent: 0, limit_window_seconds: 0, reset_after_seconds: 0, reset_at: '' });
  });

  it('free plan: one 30-day window and no secondary; the 30-day window is what blocks', async () => {
    const reply = await usageOf({ accountId: 'f', usageShape: 'free-monthly', monthlyUsedPercent: 100, fiveHourUsedPercent: 0 });
    expect(reply.plan_type).toBe('free');
    expect(reply.rate_limit.primary_window).toMatchObject({ used_percent: 100, limit_window_seconds: 2_592_000 });
    expect(reply.rate_limit.secondary_window).toBeNull();
    expect(reply.rate_limit).toMatchObject({ allowed: false, limit_reached: true });
    const answer = await postResponses(sim, sim.issueTokens('f'), 'f');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('x-codex-primary-window-minutes')).toBe('43200');
    expect(answer.headers.get('x-codex-secondary-window-minutes')).toBeNull();
  });

  it('allowed:false / limit_reached:true below 100 %, with the reached type, and the responses route agrees', async () => {
    const reply = await usageOf({
      accountId: 'capped',
      fiveHourUsedPercent: 12,
      weeklyUsedPercent: 30,
      limitReachedType: 'workspace_member_usage_limit_reached',
    });
    expect(reply.rate_limit).toMatchObject({ allowed: false, limit_reached: true });
    expect(reply.rate_limit_reached_type).toEqual({ type: 'workspace_member_usage_limit_reached' });
    const answer = await postResponses(sim, sim.issueTokens('capped'), 'capped');
    expect(answer.status).toBe(429);
    expect(((await answer.json()) as { error: { type: string } }).error.type).toBe('usage_limit_reached');
  });

  it('credits in the reply and in the reply headers', async () => {
    const reply = await usageOf({ accountId: 'c', credits: { hasCredits: true, balance: '12.50' } });
    expect(reply.credits).toEqual({ has_credits: true, unlimited: false, balance: '12.50' });
    const answer = await postResponses(sim, sim.issueTokens('c'), 'c');
    expect(answer.headers.get('x-codex-credits-has-credits')).toBe('True');
    expect(answer.headers.get('x-codex-credits-balance')).toBe('12.50');
    await answer.text();
  });
});

describe('§8 error shapes', () => {
  it('a model the account cannot use: 400 with a bare detail string', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a', unsupportedModels: ['gpt-5.5'] }] });
    const answer = await postResponses(sim, sim.issueTokens('a'), 'a', responsesBody({ model: 'gpt-5.5' }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ detail: "The 'gpt-5.5' model is not supported when using Codex with a ChatGPT account." });
  });

  it.each(['temperature', 'top_p', 'max_output_tokens'])('%s: 400 {"detail":"Unsupported parameter: …"}', async (name) => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const answer = await postResponses(sim, sim.issueTokens('a'), 'a', responsesBody({ [name]: 0.5 }));
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ detail: `Unsupported parameter: ${name}` });
  });

  it('a spent refresh token: the OpenAI envelope by default, plain OAuth on request; an unknown one: bare {"error":"invalid_grant"}', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const tokens = sim.issueTokens('a');
    expect((await refresh(sim, tokens.refresh_token)).status).toBe(200);
    const reused = await refresh(sim, tokens.refresh_token);
    expect(reused.status).toBe(401);
    expect(await reused.json()).toMatchObject({ error: { code: 'refresh_token_reused' } });
    const unknown = await refresh(sim, 'rt_not_a_token');
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toEqual({ error: 'invalid_grant' });
    await sim.close();

    sim = await startSimulator({ accounts: [{ accountId: 'a' }], refreshErrorStyle: 'oauth' });
    const plain = sim.issueTokens('a');
    await refresh(sim, plain.refresh_token);
    expect(await (await refresh(sim, plain.refresh_token)).json()).toMatchObject({ error: 'refresh_token_reused' });
  });

  it('429 usage_limit_reached with resets_in_seconds (older shape) as well as resets_at', async () => {
    const start = Date.UTC(2026, 2, 1);
    sim = await startSimulator({
      startTime: start,
      freezeClock: true,
      accounts: [
        { accountId: 'new', fiveHourUsedPercent: 100 },
        { accountId: 'old', fiveHourUsedPercent: 100, quotaResetField: 'resets_in_seconds' },
      ],
    });
    const fresh = (await (await postResponses(sim, sim.issueTokens('new'), 'new')).json()) as { error: Record<string, unknown> };
    expect(fresh.error).toMatchObject({ type: 'usage_limit_reached', resets_at: start / 1000 + 5 * 3600 });
    const older = (await (await postResponses(sim, sim.issueTokens('old'), 'old')).json()) as { error: Record<string, unknown> };
    expect(older.error).toMatchObject({ type: 'usage_limit_reached', resets_in_seconds: 5 * 3600 });
    expect(older.error.resets_at).toBeUndefined();
  });

  it('the device flow interval is a string', async () => {
    sim = await startSimulator({ accounts: [{ accountId: 'a' }] });
    const answer = await postJson(`${sim.issuer}/api/accounts/deviceauth/usercode`, { client_id: CLIENT_ID });
    const body = (await answer.json()) as { interval: unknown };
    expect(typeof body.interval).toBe('string');
    expect(Number(body.interval)).toBeGreaterThan(0);
  });
});
