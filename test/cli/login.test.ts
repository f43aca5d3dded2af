import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SignInJsonSchema, StatusJsonSchema } from '../../src/cli/json-schemas.js';
import { PLACEHOLDER_API_KEY } from '../../src/signin/opencode-auth-record.js';
import { AccountStore } from '../../src/store/account-store.js';
import { markReloginRequired } from '../../src/store/mutations.js';
import { freePorts, occupy } from '../signin/free-ports.js';
import { createWorld, flat, readJsonFile, runCli, startCli, type CliWorld } from './harness.js';

let world: CliWorld;
/** This test's callback ports: the simulator accepts them and the tool is told to use them (parallel runs may hold 1455/1457). */
let ports: number[];
beforeEach(async () => {
  ports = await freePorts(2);
  world = await createWorld({
    accounts: [
      { accountId: 'acct-work', email: 'work@example.test', plan: 'pro' },
      { accountId: 'acct-home', email: 'home@example.test' },
    ],
    autoApproveDeviceAfterPolls: 1,
    redirectPorts: ports,
  });
  world.env.OPENCODE_MULTI_AUTH_CALLBACK_PORTS = ports.join(',');
});
afterEach(async () => {
  await world.close();
});

async function status() {
  const result = await runCli(world, ['status', '--json']);
  expect(result.code).toBe(0);
  return StatusJsonSchema.parse(JSON.parse(result.stdout));
}

async function browserLogin(args: string[], follow: (url: string, port: number) => Promise<void>) {
  const run = startCli(world, ['login', ...args, '--no-browser']);
  const [, url] = await run.waitFor(/^\s+(http\S+\/oauth\/authorize\S+)$/m);
  const redirect = new URL(new URL(url!).searchParams.get('redirect_uri')!);
  await follow(url!, Number(redirect.port));
  return { run, port: Number(redirect.port), result: await run.done };
}

describe('login', () => {
  it('signs in through the browser flow, stores the account and adds the placeholder for OpenCode', async () => {
    const port = ports[0]!;
    world.sim.setSignInAccount('acct-work');
    const { result } = await browserLogin(['work'], async (url) => {
      const page = await fetch(url, { redirect: 'follow' });
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('You can close this tab');
    });
    expect(flat(result.stderr)).toContain(`waiting for the browser on port ${port}`.replace('waiting', 'Waiting'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Signed in as work@example.test (pro); added as work.');
    expect(await readJsonFile(world.openCodeAuthFile)).toEqual({ openai: { type: 'api', key: PLACEHOLDER_API_KEY } });
    const view = await status();
    expect(view.accounts).toMatchObject([{ alias: 'work', email: 'work@example.test', plan: 'pro', state: 'active', origin: 'browser' }]);
  });

  it('moves to the second port when the first is taken', async () => {
    const holder = await occupy(ports[0]!);
    try {
      const { port: used, result } = await browserLogin([], async (url) => {
        await fetch(url, { redirect: 'follow' });
      });
      expect(used).toBe(ports[1]);
      expect(result.code).toBe(0);
    } finally {
      await holder.close();
    }
  });

  it('stops at once when both ports are taken and offers the device code and paste sign-ins', async () => {
    const holders = await Promise.all(ports.map((port) => occupy(port)));
    try {
      const result = await runCli(world, ['login', '--no-browser']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`ports ${ports[0]} and ${ports[1]} are all in use`);
      expect(result.stderr).toContain('opencode-multi-auth login --headless');
      expect(result.stderr).toContain('opencode-multi-auth login --paste');
      expect(result.stderr).not.toContain('/oauth/authorize');
    } finally {
      await Promise.all(holders.map((holder) => holder.close()));
    }
  });

  it('signs in by paste alone with --paste while another program holds the callback ports', async () => {
    const holders = await Promise.all(ports.map((port) => occupy(port)));
    try {
      world.sim.setSignInAccount('acct-home');
      const run = startCli(world, ['login', 'home', '--paste', '--no-browser']);
      const [, url] = await run.waitFor(/^\s+(http\S+\/oauth\/authorize\S+)$/m);
      expect(new URL(url!).searchParams.get('redirect_uri')).toBe(`http://localhost:${ports[0]}/auth/callback`);
      const location = (await fetch(url!, { redirect: 'manual' })).headers.get('location')!;
      run.child.stdin.write(`${location}\n`);
      const result = await run.done;
      expect(result.code).toBe(0);
      expect((await status()).accounts).toMatchObject([{ alias: 'home', origin: 'pasted' }]);
    } finally {
      await Promise.all(holders.map((holder) => holder.close()));
    }
  });

  it('ignores a callback of another sign-in, says so, and completes with its own', async () => {
    world.sim.setSignInAccount('acct-work');
    const { result } = await browserLogin([], async (url, used) => {
      const forged = await fetch(`http://127.0.0.1:${used}/auth/callback?code=forged&state=wrong`);
      expect(forged.status).toBe(400);
      await forged.text();
      await fetch(url, { redirect: 'follow' });
    });
    expect(flat(result.stderr)).toMatch(/ignored a callback that does not belong to this sign-in \(state mismatch\); still waiting/);
    expect(result.code).toBe(0);
    expect((await status()).accounts).toMatchObject([{ email: 'work@example.test' }]);
  });

  it('accepts the redirect address pasted on stdin when the browser cannot reach the callback', async () => {
    const port = ports[0]!;
    world.sim.setSignInAccount('acct-home');
    const run = startCli(world, ['login', 'home', '--no-browser']);
    const [, url] = await run.waitFor(/^\s+(http\S+\/oauth\/authorize\S+)$/m);
    // What a user over SSH copies from the browser's address bar after the issuer redirected it.
    const location = (await fetch(url!, { redirect: 'manual' })).headers.get('location')!;
    expect(location).toContain(`localhost:${port}/auth/callback?`);
    run.child.stdin.write(`${location.replace(/state=[^&]+/, 'state=other')}\n`);
    await run.waitFor(/state mismatch/);
    run.child.stdin.write(`${location}\n`);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('added as home');
    expect((await status()).accounts).toMatchObject([{ alias: 'home', origin: 'pasted' }]);
  });

  it('asks again when the pasted code has a typo: the right code still works', async () => {
    world.sim.setSignInAccount('acct-home');
    const run = startCli(world, ['login', 'home', '--no-browser']);
    const [, url] = await run.waitFor(/^\s+(http\S+\/oauth\/authorize\S+)$/m);
    const location = (await fetch(url!, { redirect: 'manual' })).headers.get('location')!;
    run.child.stdin.write(`${location.replace(/code=([^&]+)/, 'code=$1x')}\n`);
    await run.waitFor(/does\s+not\s+know\s+that\s+code[\s\S]*paste\s+it\s+again/);
    expect(run.child.exitCode).toBeNull();
    run.child.stdin.write(`${location}\n`);
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('added as home');
  });

  it('checks the store before the sign-in: a corrupt store fails at once, before any browser or code', async () => {
    await fs.mkdir(world.storeDir, { recursive: true });
    await fs.writeFile(path.join(world.storeDir, 'accounts.json'), '{"version": 1, "accounts": [');
    const result = await runCli(world, ['login', 'work', '--headless']);
    expect(result.code).toBe(1);
    expect(flat(result.stderr)).toContain('Cannot read the account store');
    expect(result.stderr).not.toMatch(/enter this code|Signed in/);
    expect(world.sim.counters.requests('usercode')).toBe(0);
  });

  it('keeps the alias of an account signed in again under another name, and says how to rename it', async () => {
    world.sim.setSignInAccount('acct-work');
    expect((await runCli(world, ['login', 'personal', '--headless'])).code).toBe(0);
    const again = await runCli(world, ['login', 'x', '--headless']);
    expect(again.code).toBe(0);
    expect(flat(again.stderr)).toContain('already stored as "personal"; it keeps that alias');
    expect(flat(again.stderr)).toContain('`opencode-multi-auth rename personal x`');
    expect((await status()).accounts.map((account) => account.alias)).toEqual(['personal']);
  });

  it.each([
    ['   ', /an alias cannot be empty/],
    ['', /an alias cannot be empty/],
    ['bad alias!', /characters an alias cannot have/],
  ])('refuses the alias %j before signing in (exit 2)', async (alias, problem) => {
    const result = await runCli(world, ['login', alias, '--headless']);
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toMatch(problem);
    expect(result.stderr).not.toContain('This is a bug');
  });

  it('signs in with a device code when headless', async () => {
    world.sim.setSignInAccount('acct-home');
    const result = await runCli(world, ['login', 'home', '--headless', '--json']);
    expect(result.code).toBe(0);
    expect(flat(result.stderr)).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/codex\/device on any device/);
    expect(flat(result.stderr)).toMatch(/enter this code: [A-Z]{4}-\d{4}/);
    const json = SignInJsonSchema.parse(JSON.parse(result.stdout));
    expect(json).toMatchObject({ account: { alias: 'home', email: 'home@example.test' }, created: true, openCodeRecord: 'added' });
  });

  it('updates an account already in the store and clears its "new sign-in needed" state', async () => {
    world.sim.setSignInAccount('acct-work');
    expect((await runCli(world, ['login', 'work', '--headless'])).code).toBe(0);
    const store = new AccountStore({ dir: world.storeDir });
    const data = await store.load();
    const id = data.accounts[0]!.id;
    await store.update((draft) => markReloginRequired(draft, id, 'refresh_token_reused', Date.now() + 1_000));
    await store.close();
    const before = await status();
    expect(before.accounts[0]).toMatchObject({ state: 'relogin-required', reason: 'refresh_token_reused' });
    expect((await runCli(world, ['status'])).stdout.replace(/\s+/g, ' ')).toContain(
      'new sign-in needed (refresh_token_reused): run `opencode-multi-auth login work`',
    );

    const again = await runCli(world, ['login', '--headless']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('updated work with new tokens');
    const after = await status();
    expect(after.accounts).toHaveLength(1);
    expect(after.accounts[0]).toMatchObject({ alias: 'work', state: 'active', reason: null });
  });

  it('keeps a real OpenCode sign-in, says so and how to import it', async () => {
    const tokens = world.sim.issueTokens('acct-home');
    const oauth = { type: 'oauth', access: tokens.access_token, refresh: tokens.refresh_token, expires: Date.now() + 3_600_000 };
    await fs.mkdir(path.dirname(world.openCodeAuthFile), { recursive: true });
    await fs.writeFile(world.openCodeAuthFile, JSON.stringify({ openai: oauth, anthropic: { type: 'api', key: 'k' } }));
    world.sim.setSignInAccount('acct-work');
    const result = await runCli(world, ['login', '--headless']);
    expect(result.code).toBe(0);
    expect(flat(result.stderr)).toContain('OpenCode has its own ChatGPT sign-in (home@example.test)');
    expect(flat(result.stderr)).toContain('opencode-multi-auth import opencode');
    expect(await readJsonFile(world.openCodeAuthFile)).toEqual({ openai: oauth, anthropic: { type: 'api', key: 'k' } });

    const imported = await runCli(world, ['import', 'opencode', '--alias', 'home']);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('Imported home (home@example.test) from OpenCode.');
    expect(await readJsonFile(world.openCodeAuthFile)).toEqual({ openai: { type: 'api', key: PLACEHOLDER_API_KEY }, anthropic: { type: 'api', key: 'k' } });
    expect((await status()).accounts.map((account) => account.alias).sort()).toEqual(['home', 'work']);
  });

  it('rejects bad usage with exit code 2', async () => {
    const result = await runCli(world, ['login', 'a', 'b']);
    expect(result.code).toBe(2);
    expect(flat(result.stderr)).toContain('Usage: opencode-multi-auth login');
    expect((await runCli(world, ['login', '--headless', '--paste'])).code).toBe(2);
    // No --port: the issuer accepts no port but 1455 and 1457.
    expect((await runCli(world, ['login', '--port', '5000'])).code).toBe(2);
    expect((await runCli(world, ['login', '--bogus'])).code).toBe(2);
  });
});
