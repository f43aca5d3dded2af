import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index.js';
import { startBrowserSignIn } from '../../src/signin/browser-flow.js';
import { NoFreeCallbackPortError, SignInTimeoutError, StateMismatchError } from '../../src/signin/errors.js';
import { readIdentity } from '../../src/tokens/jwt-claims.js';
import { freePorts, occupy } from './free-ports.js';

let sim: Simulator;

beforeEach(async () => {
  sim = await startSimulator({ accounts: [{ accountId: 'acct-one', email: 'one@example.test' }, { accountId: 'acct-two' }] });
});
afterEach(async () => {
  await sim.close();
});

describe('browser sign-in', () => {
  it('follows the authorize redirect to the local callback and exchanges the code with PKCE', async () => {
    const ports = await freePorts(2);
    sim.setSignInAccount('acct-two');
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports });
    expect(signIn.port).toBe(ports[0]);
    const url = new URL(signIn.url);
    expect(url.pathname).toBe('/oauth/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe(`http://localhost:${ports[0]}/auth/callback`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');

    const page = await fetch(signIn.url, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You can close this tab');

    const grant = await signIn.waitForTokens();
    expect(readIdentity(grant).chatgptAccountId).toBe('acct-two');
    expect(grant.refreshToken).toBeTruthy();
  });

  it('refuses a callback with the wrong state and fails the sign-in', async () => {
    const ports = await freePorts(1);
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports });
    const forged = await fetch(`http://127.0.0.1:${signIn.port}/auth/callback?code=stolen&state=not-ours`);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('Sign-in failed');
    await expect(signIn.waitForTokens()).rejects.toBeInstanceOf(StateMismatchError);
  });

  it('moves to the next port when the first is taken', async () => {
    const ports = await freePorts(2);
    const holder = await occupy(ports[0]!);
    try {
      const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports });
      expect(signIn.port).toBe(ports[1]);
      expect(new URL(signIn.url).searchParams.get('redirect_uri')).toBe(`http://localhost:${ports[1]}/auth/callback`);
      await signIn.close();
    } finally {
      await holder.close();
    }
  });

  it('says every port is taken when none is free', async () => {
    const ports = await freePorts(1);
    const holder = await occupy(ports[0]!);
    try {
      await expect(startBrowserSignIn({ issuer: sim.issuer, ports })).rejects.toBeInstanceOf(NoFreeCallbackPortError);
    } finally {
      await holder.close();
    }
  });

  it('gives up after the timeout and frees the port', async () => {
    const ports = await freePorts(1);
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports, timeoutMs: 50 });
    await expect(signIn.waitForTokens()).rejects.toBeInstanceOf(SignInTimeoutError);
    const holder = await occupy(ports[0]!);
    await holder.close();
  });

  it('accepts the pasted redirect address when the browser cannot reach the callback', async () => {
    const ports = await freePorts(1);
    sim.setSignInAccount('acct-one');
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports });
    const redirect = await fetch(signIn.url, { redirect: 'manual' });
    const location = redirect.headers.get('location')!;
    expect(location).toContain('code=');
    await expect(signIn.submitPaste(`${location.replace(/state=[^&]+/, 'state=wrong')}`)).rejects.toBeInstanceOf(StateMismatchError);
    const grant = await signIn.submitPaste(`  ${location}\n`);
    expect(readIdentity(grant).email).toBe('one@example.test');
  });

  it('hands the URL to openBrowser', async () => {
    const ports = await freePorts(1);
    const opened: string[] = [];
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports, openBrowser: (url) => opened.push(url) });
    expect(opened).toEqual([signIn.url]);
    await signIn.close();
  });
});
