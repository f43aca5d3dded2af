import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginMethods } from '../../src/signin/opencode-login-methods.js';
import { PLACEHOLDER_API_KEY } from '../../src/signin/opencode-auth-record.js';
import { AccountStore } from '../../src/store/account-store.js';
import { markReloginRequired } from '../../src/store/mutations.js';
import { startSimulator, type Simulator } from '../sim/index.js';
import { freePorts, occupy } from './free-ports.js';

let sim: Simulator;
let dir: string;
let store: AccountStore;
/** Callback ports of this test, which its simulator accepts (the default issuer accepts only 1455 and 1457). */
let ports: number[];
beforeEach(async () => {
  ports = await freePorts(1);
  sim = await startSimulator({ accounts: [{ accountId: 'acct-a', email: 'a@example.test' }], autoApproveDeviceAfterPolls: 1, redirectPorts: ports });
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oma-methods-'));
  store = new AccountStore({ dir });
});
afterEach(async () => {
  await store.close();
  await sim.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sign-in methods offered inside OpenCode', () => {
  it('browser: stores the account under the alias and answers with the placeholder key', async () => {
    const [browser] = createLoginMethods({ store, issuer: sim.issuer, ports });
    expect(browser!.prompts?.[0]).toMatchObject({ key: 'alias' });
    const result = await browser!.authorize({ alias: 'team' });
    expect(result.method).toBe('auto');
    await fetch(result.url, { redirect: 'follow' });
    const outcome = await (result as Extract<typeof result, { method: 'auto' }>).callback();
    expect(outcome).toEqual({ type: 'success', key: PLACEHOLDER_API_KEY });
    const data = await store.reload();
    expect(data.accounts).toMatchObject([{ alias: 'team', email: 'a@example.test', origin: 'browser' }]);
  });

  it('device code: a second sign-in of the same account updates it and clears "new sign-in needed"', async () => {
    const device = createLoginMethods({ store, issuer: sim.issuer })[1]!;
    const first = (await device.authorize({ alias: '' })) as { method: 'auto'; instructions: string; callback(): Promise<unknown> };
    expect(first.instructions).toMatch(/enter the code \S+/);
    expect(await first.callback()).toMatchObject({ type: 'success' });
    const id = (await store.reload()).accounts[0]!.id;
    await store.update((data) => markReloginRequired(data, id, 'refresh_token_reused', Date.now() + 60_000));
    expect((await store.reload()).accounts[0]!.health.reloginRequired).toBeDefined();

    const second = (await device.authorize({})) as { method: 'auto'; callback(): Promise<unknown> };
    expect(await second.callback()).toMatchObject({ type: 'success' });
    const data = await store.reload();
    expect(data.accounts).toHaveLength(1);
    expect(data.accounts[0]!.health.reloginRequired).toBeUndefined();
    expect(data.accounts[0]!.alias).toBe('a');
  });

  it('paste: takes the redirect address, and fails (without storing) on one from another sign-in', async () => {
    const paste = createLoginMethods({ store, issuer: sim.issuer, ports, onError: () => undefined })[2]!;
    const attempt = (await paste.authorize({})) as { method: 'code'; url: string; callback(code: string): Promise<unknown> };
    expect(attempt.method).toBe('code');
    const location = (await fetch(attempt.url, { redirect: 'manual' })).headers.get('location')!;
    expect(await attempt.callback(location.replace(/state=[^&]+/, 'state=x'))).toEqual({ type: 'failed' });
    expect((await store.reload()).accounts).toHaveLength(0);

    const retry = (await paste.authorize({})) as { method: 'code'; url: string; callback(code: string): Promise<unknown> };
    const good = (await fetch(retry.url, { redirect: 'manual' })).headers.get('location')!;
    expect(await retry.callback(good)).toMatchObject({ type: 'success' });
    expect((await store.reload()).accounts).toMatchObject([{ origin: 'pasted' }]);
  });

  it('paste: still works while another program holds every callback port, with no server of its own', async () => {
    const holder = await occupy(ports[0]!);
    try {
      const paste = createLoginMethods({ store, issuer: sim.issuer, ports })[2]!;
      const attempt = (await paste.authorize({})) as { method: 'code'; url: string; instructions: string; callback(code: string): Promise<unknown> };
      expect(attempt.instructions).toContain(`http://localhost:${ports[0]}/auth/callback`);
      const location = (await fetch(attempt.url, { redirect: 'manual' })).headers.get('location')!;
      expect(await attempt.callback(location)).toMatchObject({ type: 'success' });
      expect((await store.reload()).accounts).toMatchObject([{ origin: 'pasted' }]);
    } finally {
      await holder.close();
    }
  });
});
