import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index.js';
import { startBrowserSignIn } from '../../src/signin/browser-flow.js';
import { DEFAULT_CALLBACK_PORTS } from '../../src/signin/callback-server.js';
import { AuthorizationDeniedError, NoFreeCallbackPortError, SignInTimeoutError, StateMismatchError } from '../../src/signin/errors.js';
import { readIdentity } from '../../src/store/jwt-claims.js';
import { freePorts, occupy } from './free-ports.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A simulator whose issuer accepts the given callback ports, as tests running in parallel need (the default is 1455 and 1457 only). */
async function simAllowing(ports: number[]): Promise<Simulator> {
  sim = await startSimulator({ accounts: [{ accountId: 'acct-one', email: 'one@example.test' }, { accountId: 'acct-two' }], redirectPorts: ports });
  return sim;
}

/** A GET with a chosen Host header (fetch does not let a caller set one). */
function getWithHost(port: number, path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, headers: { host }, timeout: 10_000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 10 s')));
    request.on('error', reject);
  });
}

const stateOf = (url: string) => new URL(url).searchParams.get('state')!;

describe('browser sign-in', () => {
  it('follows the authorize redirect to the local callback and exchanges the code with PKCE', async () => {
    const ports = await freePorts(2);
    const s = await simAllowing(ports);
    s.setSignInAccount('acct-two');
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports });
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

  it('listens on 1455, else 1457, by default: the only redirect URIs the issuer accepts', async () => {
    expect(DEFAULT_CALLBACK_PORTS).toEqual([1455, 1457]);
    // The simulator's default is the real issuer's rule: only these two ports are redirected to.
    sim = await startSimulator({ accounts: [{ accountId: 'acct-one' }] });
    let signIn;
    try {
      signIn = await startBrowserSignIn({ issuer: sim.issuer });
    } catch (error) {
      // Another test run on this machine holds both ports right now: the plugin must say so at once.
      expect(error).toBeInstanceOf(NoFreeCallbackPortError);
      expect((error as NoFreeCallbackPortError).ports).toEqual([1455, 1457]);
      return;
    }
    expect([1455, 1457]).toContain(signIn.port);
    const page = await fetch(signIn.url, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect(readIdentity(await signIn.waitForTokens()).chatgptAccountId).toBe('acct-one');
  });

  it('would be refused by the issuer on any other port: the reason it never tries one', async () => {
    const ports = await freePorts(1);
    sim = await startSimulator({ accounts: [{ accountId: 'acct-one' }] });
    const signIn = await startBrowserSignIn({ issuer: sim.issuer, ports });
    const answer = await fetch(signIn.url, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(answer.headers.get('location')).toBeNull();
    expect(await answer.text()).toContain('unknown_error');
    await signIn.close();
  });

  it('moves to the second port when the first is taken', async () => {
    const ports = await freePorts(2);
    const s = await simAllowing(ports);
    const holder = await occupy(ports[0]!);
    try {
      const signIn = await startBrowserSignIn({ issuer: s.issuer, ports });
      expect(signIn.port).toBe(ports[1]);
      expect(new URL(signIn.url).searchParams.get('redirect_uri')).toBe(`http://localhost:${ports[1]}/auth/callback`);
      await fetch(signIn.url, { redirect: 'follow' });
      expect((await signIn.waitForTokens()).refreshToken).toBeTruthy();
    } finally {
      await holder.close();
    }
  });

  it('stops at once when both ports are taken, offering the device code and the paste sign-in, and tries no other port', async () => {
    const ports = await freePorts(2);
    const s = await simAllowing(ports);
    const holders = await Promise.all(ports.map((port) => occupy(port)));
    try {
      const started = Date.now();
      const error = await startBrowserSignIn({ issuer: s.issuer, ports }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NoFreeCallbackPortError);
      expect((error as NoFreeCallbackPortError).ports).toEqual(ports);
      expect((error as Error).message).toContain(`ports ${ports[0]} and ${ports[1]} are all in use`);
      expect((error as Error).message).toContain('--headless');
      expect((error as Error).message).toContain('--paste');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await Promise.all(holders.map((holder) => holder.close()));
    }
  });

  it('ignores a callback with another state, says so, and completes with the right one', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const ignored: string[] = [];
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports, onIgnored: (reason) => ignored.push(reason) });
    const stray = await fetch(`http://127.0.0.1:${signIn.port}/auth/callback?code=stolen&state=not-ours`);
    expect(stray.status).toBe(400);
    expect(await stray.text()).toContain('Not this sign-in');
    const noState = await fetch(`http://localhost:${signIn.port}/auth/callback?code=stolen`);
    expect(noState.status).toBe(400);
    await noState.text();
    expect(ignored).toHaveLength(2);
    expect(ignored[0]).toContain('state mismatch');

    const page = await fetch(signIn.url, { redirect: 'follow' });
    expect(page.status).toBe(200);
    expect((await signIn.waitForTokens()).refreshToken).toBeTruthy();
  });

  it("ends the attempt on an error= only when it carries this attempt's state, with the issuer's reason", async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports });
    const foreign = await fetch(`http://localhost:${signIn.port}/auth/callback?error=access_denied&state=other`);
    expect(foreign.status).toBe(400);
    await foreign.text();
    const own = await fetch(`http://localhost:${signIn.port}/auth/callback?error=access_denied&error_description=User+cancelled&state=${stateOf(signIn.url)}`);
    expect(own.status).toBe(400);
    expect(await own.text()).toContain('User cancelled');
    const error = await signIn.waitForTokens().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AuthorizationDeniedError);
    expect((error as Error).message).toContain('access_denied (User cancelled)');
  });

  it('refuses a request whose Host is not localhost or 127.0.0.1 on its port, and goes on waiting', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const ignored: string[] = [];
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports, onIgnored: (reason) => ignored.push(reason) });
    const location = (await fetch(signIn.url, { redirect: 'manual' })).headers.get('location')!;
    const path = new URL(location).pathname + new URL(location).search;
    for (const host of ['evil.example', `evil.example:${signIn.port}`, 'localhost:1', `127.0.0.2:${signIn.port}`]) {
      expect((await getWithHost(signIn.port, path, host)).status).toBe(421);
    }
    expect(ignored).toHaveLength(4);
    expect(signIn.via).toBeUndefined();
    const answer = await getWithHost(signIn.port, path, `localhost:${signIn.port}`);
    expect(answer.status).toBe(200);
    expect((await signIn.waitForTokens()).refreshToken).toBeTruthy();
  });

  it('ends the server after one successful callback', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports });
    await fetch(signIn.url, { redirect: 'follow' });
    await signIn.waitForTokens();
    // The port is free again: nothing is left listening.
    const holder = await occupy(ports[0]!);
    await holder.close();
  });

  it('gives up after the timeout and frees the port', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports, timeoutMs: 50 });
    await expect(signIn.waitForTokens()).rejects.toBeInstanceOf(SignInTimeoutError);
    const holder = await occupy(ports[0]!);
    await holder.close();
  });

  it('accepts the pasted redirect address when the browser cannot reach the callback', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    s.setSignInAccount('acct-one');
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports });
    const redirect = await fetch(signIn.url, { redirect: 'manual' });
    const location = redirect.headers.get('location')!;
    expect(location).toContain('code=');
    await expect(signIn.submitPaste(location.replace(/state=[^&]+/, 'state=wrong'))).rejects.toBeInstanceOf(StateMismatchError);
    const grant = await signIn.submitPaste(`  ${location}\n`);
    expect(readIdentity(grant).email).toBe('one@example.test');
  });

  it('signs in by paste alone, with no server, while another program holds the callback port', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const holder = await occupy(ports[0]!);
    try {
      const signIn = await startBrowserSignIn({ issuer: s.issuer, ports, listen: false });
      expect(signIn.listening).toBe(false);
      expect(new URL(signIn.url).searchParams.get('redirect_uri')).toBe(`http://localhost:${ports[0]}/auth/callback`);
      const location = (await fetch(signIn.url, { redirect: 'manual' })).headers.get('location')!;
      expect(readIdentity(await signIn.submitPaste(location)).chatgptAccountId).toBe('acct-one');
      expect(signIn.via).toBe('pasted');
    } finally {
      await holder.close();
    }
  });

  it('hands the URL to openBrowser', async () => {
    const ports = await freePorts(1);
    const s = await simAllowing(ports);
    const opened: string[] = [];
    const signIn = await startBrowserSignIn({ issuer: s.issuer, ports, openBrowser: (url) => opened.push(url) });
    expect(opened).toEqual([signIn.url]);
    await signIn.close();
  });
});
