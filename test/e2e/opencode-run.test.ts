import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { isolatedHome, runOpencode, type IsolatedHome } from '../support/opencode.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setUp(accounts: Parameters<typeof startSimulator>[0]) {
  const sim = await startSimulator(accounts);
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer });
  cleanups.push(
    () => sim.close(),
    () => home.cleanup(),
  );
  return { sim, home };
}

async function readStore(home: IsolatedHome) {
  const store = new AccountStore({ dir: home.storeDir });
  const data = await store.load();
  await store.close();
  return data;
}

async function pluginLog(home: IsolatedHome): Promise<string> {
  return fs.readFile(path.join(home.root, 'plugin.log'), 'utf8').catch(() => '');
}

function modelRequests(sim: Simulator) {
  return sim.log.filter((entry) => entry.route === 'responses');
}

beforeAll(async () => {
  // The plugin is loaded from dist/: the test command builds it first.
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

describe('the real opencode client through the plugin', { timeout: 240_000 }, () => {
  it('prints a reply that came from the simulator through the plugin fetch', async () => {
    const { sim, home } = await setUp({ accounts: [{ accountId: 'acct-solo' }] });
    await seedStore(home.storeDir, [accountFromSimTokens(sim.issueTokens('acct-solo'), 'solo', Date.now())]);

    const run = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);

    expect(run.stdout).toContain('Hello from acct-solo.');
    expect(run.code).toBe(0);
    const requests = modelRequests(sim);
    expect(requests.length).toBeGreaterThan(0);
    // OpenCode's placeholder key never reaches the backend: every request carried the account's token.
    for (const request of requests) {
      expect(request.headers['authorization']).not.toContain('opencode-multi-auth-codex');
      expect(request.headers['chatgpt-account-id']).toBe('acct-solo');
      expect(request.status).toBe(200);
    }
  });

  it('fails over past an exhausted and a signed-out account to the one that can serve', async () => {
    const { sim, home } = await setUp({
      accounts: [{ accountId: 'acct-out', fiveHourUsedPercent: 100 }, { accountId: 'acct-reused' }, { accountId: 'acct-good' }],
    });
    const now = Date.now();
    const reused = sim.issueTokens('acct-reused');
    // Another client already spent this refresh token: the plugin's refresh will be a reuse.
    const spent = await fetch(`${sim.issuer}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: reused.refresh_token, client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' }),
    });
    expect(spent.status).toBe(200);
    await seedStore(home.storeDir, [
      accountFromSimTokens(sim.issueTokens('acct-out'), 'out', now),
      // Its access token is about to expire, so the plugin must refresh before using it.
      accountFromSimTokens(reused, 'reused', now, (account) => {
        account.tokens.expiresAt = now - 1_000;
      }),
      accountFromSimTokens(sim.issueTokens('acct-good'), 'good', now),
    ]);

    const run = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'say hi'], home);

    expect(run.stdout).toContain('Hello from acct-good.');
    const data = await readStore(home);
    const byAlias = Object.fromEntries(data.accounts.map((account) => [account.alias, account]));
    const outReset = sim.usage('acct-out').fiveHourResetsAt;
    expect(byAlias.out!.health.cooldownUntil).toBeGreaterThanOrEqual(outReset - 1_000);
    expect(byAlias.out!.health.cooldownUntil).toBeLessThanOrEqual(outReset + 1_000);
    expect(byAlias.reused!.health.reloginRequired?.reason).toContain('refresh_token_reused');
    expect(byAlias.good!.health.reloginRequired).toBeUndefined();
    expect(byAlias.good!.stats.requests).toBeGreaterThan(0);
    // The signed-out account was tried once and never again in later requests of the run.
    expect(sim.counters.reuseEvents('acct-reused')).toBe(1);
    expect(await pluginLog(home)).not.toContain(reused.refresh_token);
  });

  it('keeps a session on one account across several turns', async () => {
    const { sim, home } = await setUp({ accounts: [{ accountId: 'acct-a' }, { accountId: 'acct-b' }, { accountId: 'acct-c' }] });
    const now = Date.now();
    await seedStore(
      home.storeDir,
      ['acct-a', 'acct-b', 'acct-c'].map((id) => accountFromSimTokens(sim.issueTokens(id), id.slice(5), now)),
    );
    const first = await runOpencode(['run', '--model', 'openai/gpt-5.4', 'first turn'], home);
    expect(first.code).toBe(0);
    const sessionId = modelRequests(sim).at(-1)!.headers['session_id'];
    expect(sessionId).toMatch(/^ses_/);

    // The other accounts get more headroom than the session's own: only stickiness keeps it there.
    const served = modelRequests(sim).at(-1)!.accountId!;
    sim.setUsage(served, { fiveHourUsedPercent: 40 });

    for (const turn of ['second turn', 'third turn']) {
      const next = await runOpencode(['run', '--session', sessionId!, '--model', 'openai/gpt-5.4', turn], home);
      expect(next.code).toBe(0);
    }
    const sessionRequests = modelRequests(sim).filter((entry) => entry.headers['session_id'] === sessionId);
    expect(sessionRequests.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sessionRequests.map((entry) => entry.accountId))).toEqual(new Set([served]));
  });
});
