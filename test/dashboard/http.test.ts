import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStore } from '../../src/store/account-store.js';
import { setEnabled } from '../../src/store/mutations.js';
import { CONTENT_SECURITY_POLICY } from '../../src/dashboard/security.js';
import { call, createDashboardWorld, readEvents, readStoreFile, type DashboardWorld } from './world.js';

let world: DashboardWorld;
beforeEach(async () => {
  world = await createDashboardWorld({
    accounts: [
      { accountId: 'acct-work', alias: 'work', email: 'work@example.test', fiveHourUsedPercent: 40, weeklyUsedPercent: 10 },
      { accountId: 'acct-home', alias: 'home', email: 'home@example.test', fiveHourUsedPercent: 75, weeklyUsedPercent: 30 },
    ],
    // Slow enough that a refresh is seen running, not only queued and done.
    usageLatencyMs: 100,
  });
});
afterEach(async () => {
  await world.close();
});

const accountPath = (id: string, action: string) => `/api/accounts/${encodeURIComponent(id)}/${action}`;

function expectNoSecrets(text: string) {
  for (const secret of world.secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/refreshToken|accessToken|idToken/);
}

describe('pages and assets', () => {
  it('serves the page with the run token, its script and stylesheet, all under the CSP', async () => {
    const page = await call(world.dashboard, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.text).toContain(`<meta name="dashboard-token" content="${world.dashboard.token}">`);
    expect(page.text).toContain('<script src="/app.js" defer></script>');
    // No inline script or style, nothing from elsewhere.
    expect(page.text).not.toMatch(/<script>|<style|style="|https?:\/\/(?!www\.w3)/);

    const script = await call(world.dashboard, 'GET', '/app.js');
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toContain('text/javascript');
    expect(script.text).toContain('EventSource');
    // The script is the bundle `npm run build` wrote from src/dashboard/web, not something built at run time.
    expect(script.text).toBe(readFileSync(path.resolve('dist/dashboard/web/app.js'), 'utf8'));
    expect(script.text).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    const style = await call(world.dashboard, 'GET', '/app.css');
    expect(style.status).toBe(200);
    expect(style.headers['content-type']).toContain('text/css');
    expect((await call(world.dashboard, 'GET', '/favicon.ico')).status).toBe(204);
    expect((await call(world.dashboard, 'GET', '/nothing')).status).toBe(404);
  });

  it('keeps the CSP strict: no inline code, no other origins', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe');
  });
});

describe('GET /api/state', () => {
  it('shows every account with usage, state and stats, and never a token', async () => {
    const answer = await call(world.dashboard, 'GET', '/api/state');
    expect(answer.status).toBe(200);
    const view = answer.json();
    expect(view.accounts.map((account) => [account.alias, account.email, account.state.kind])).toEqual([
      ['work', 'work@example.test', 'active'],
      ['home', 'home@example.test', 'active'],
    ]);
    expectNoSecrets(answer.text);
  });
});

describe('who serves now', () => {
  it('answers with the account a new session gets and follows sessions the plugin records in another process', async () => {
    const first = (await call(world.dashboard, 'GET', '/api/state')).json();
    expect(first.serving).toMatchObject({ strategy: 'pace', newSession: { alias: 'work', reason: 'most-at-risk' }, sessions: [] });
    // No usage observed yet: both look fresh, and the tie goes to the account used longest ago (store order here).
    expect(first.serving.newSession.why).toMatch(/^the account whose quota is most at risk of expiring unused \(.*\) \(home: 100% left\)$/);

    const plugin = new AccountStore({ dir: world.dir });
    await plugin.load();
    await plugin.update((data) => (data.sessions['ses_from_opencode'] = { accountId: world.ids.home!, at: Date.now() }));
    await plugin.close();
    const events = await readEvents(world.dashboard, (event) => event.event === 'state' && event.data.serving.sessions.length === 1);
    expect(events.at(-1)!.data.serving.sessions[0]).toMatchObject({
      sessionId: 'ses_from_opencode',
      alias: 'home',
      live: true,
      next: { alias: 'home', reason: 'session', moves: false },
    });
  });
});

describe('guards', () => {
  it('refuses a Host that is not the dashboard (DNS rebinding) on every route', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/api/state'],
      ['GET', '/api/events'],
      ['POST', '/api/refresh'],
    ] as const) {
      const answer = await call(world.dashboard, method, path, { headers: { host: `evil.example:${world.dashboard.port}` } });
      expect(answer.status, `${method} ${path}`).toBe(421);
      expect(answer.text).not.toContain(world.dashboard.token);
    }
    expect((await call(world.dashboard, 'GET', '/', { headers: { host: '127.0.0.1:1' } })).status).toBe(421);
    expect((await call(world.dashboard, 'GET', '/', { headers: { host: `localhost:${world.dashboard.port}` } })).status).toBe(200);
  });

  it('refuses a request from another origin even with the token', async () => {
    const answer = await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'disable'), { headers: { origin: 'http://evil.example' } });
    expect(answer.status).toBe(403);
    expect((await call(world.dashboard, 'GET', '/api/state', { headers: { origin: 'http://127.0.0.1:1' } })).status).toBe(403);
    expect((await readStoreFile(world.dir)).accounts.every((account) => account.enabled)).toBe(true);
    const own = await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'disable'), {
      headers: { origin: `http://127.0.0.1:${world.dashboard.port}` },
    });
    expect(own.status).toBe(200);
  });

  it('refuses every state-changing request without the token, or with a wrong one', async () => {
    const posts = [
      ['/api/refresh', {}],
      ['/api/unpin', {}],
      ['/api/sign-in', {}],
      [accountPath(world.ids.work!, 'enable'), {}],
      [accountPath(world.ids.work!, 'disable'), {}],
      [accountPath(world.ids.work!, 'pin'), {}],
      [accountPath(world.ids.work!, 'rename'), { alias: 'x' }],
      [accountPath(world.ids.work!, 'remove'), { confirmAlias: 'work' }],
    ] as const;
    for (const [path, body] of posts) {
      expect((await call(world.dashboard, 'POST', path, { body, token: null })).status, path).toBe(403);
      expect((await call(world.dashboard, 'POST', path, { body, token: 'wrong' })).status, path).toBe(403);
    }
    const data = await readStoreFile(world.dir);
    expect(data.accounts.map((account) => [account.alias, account.enabled])).toEqual([
      ['work', true],
      ['home', true],
    ]);
    expect(data.pin).toBeUndefined();
  });

  it('refuses a body that is not JSON-typed (no simple cross-site form posts)', async () => {
    const answer = await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'disable'), { headers: { 'content-type': 'text/plain' } });
    expect(answer.status).toBe(415);
  });

  it('answers 405 to other methods', async () => {
    expect((await call(world.dashboard, 'DELETE', accountPath(world.ids.work!, 'remove'))).status).toBe(405);
  });
});

describe('actions', () => {
  it('disables and enables an account in the store', async () => {
    const off = await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'disable'));
    expect(off.status).toBe(200);
    expect(off.json().message).toBe('home disabled.');
    expect((await readStoreFile(world.dir)).accounts.find((account) => account.alias === 'home')!.enabled).toBe(false);
    const state = (await call(world.dashboard, 'GET', '/api/state')).json();
    expect(state.accounts[1]!.state).toMatchObject({ kind: 'disabled', tone: 'muted' });
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'enable'))).status).toBe(200);
    expect((await readStoreFile(world.dir)).accounts.find((account) => account.alias === 'home')!.enabled).toBe(true);
  });

  it('pins for a duration, refuses a bad duration, and unpins', async () => {
    const before = Date.now();
    const pinned = await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'pin'), { body: { for: '2h' } });
    expect(pinned.status).toBe(200);
    const pin = (await readStoreFile(world.dir)).pin!;
    expect(pin.accountId).toBe(world.ids.work);
    expect(pin.until! - before).toBeGreaterThanOrEqual(2 * 3_600_000 - 1_000);
    expect((await call(world.dashboard, 'GET', '/api/state')).json().pin).toMatchObject({ alias: 'work' });
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'pin'), { body: { for: 'soon' } })).status).toBe(400);

    const forever = await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'pin'));
    expect(forever.json().message).toBe('Pinned to home until unpinned.');
    expect((await readStoreFile(world.dir)).pin).toEqual({ accountId: world.ids.home });

    expect((await call(world.dashboard, 'POST', '/api/unpin')).json().message).toBe('Unpinned.');
    expect((await readStoreFile(world.dir)).pin).toBeUndefined();
    expect((await call(world.dashboard, 'POST', '/api/unpin')).json().message).toBe('Nothing was pinned.');
  });

  it('renames, refusing a taken or unusable alias', async () => {
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'rename'), { body: { alias: 'office' } })).status).toBe(200);
    expect((await readStoreFile(world.dir)).accounts.map((account) => account.alias)).toEqual(['office', 'home']);
    const taken = await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'rename'), { body: { alias: 'home' } });
    expect(taken.status).toBe(409);
    expect(taken.json().error).toContain('already used');
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'rename'), { body: { alias: 'has space' } })).status).toBe(400);
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'rename'), { body: {} })).status).toBe(400);
  });

  it('removes only with the alias confirmed', async () => {
    const unconfirmed = await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'remove'), { body: { confirmAlias: 'work' } });
    expect(unconfirmed.status).toBe(400);
    expect((await readStoreFile(world.dir)).accounts).toHaveLength(2);
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'remove'), { body: {} })).status).toBe(400);
    const removed = await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'remove'), { body: { confirmAlias: 'home' } });
    expect(removed.status).toBe(200);
    expect((await readStoreFile(world.dir)).accounts.map((account) => account.alias)).toEqual(['work']);
  });

  it('answers 404 for an account that is not there', async () => {
    for (const action of ['enable', 'disable', 'pin', 'rename', 'remove']) {
      const answer = await call(world.dashboard, 'POST', accountPath('nobody', action), {
        body: action === 'rename' ? { alias: 'x' } : action === 'remove' ? { confirmAlias: 'x' } : {},
      });
      expect(answer.status, action).toBe(404);
    }
    expect((await call(world.dashboard, 'POST', '/api/refresh', { body: { accountId: 'nobody' } })).status).toBe(404);
    expect((await call(world.dashboard, 'POST', '/api/accounts/x/explode')).status).toBe(404);
  });

  it('refuses unknown body fields and bodies that are not JSON', async () => {
    expect((await call(world.dashboard, 'POST', accountPath(world.ids.work!, 'disable'), { body: { sneaky: 1 } })).status).toBe(400);
    expect((await call(world.dashboard, 'POST', '/api/refresh', { body: 'x'.repeat(20_000) })).status).toBe(413);
  });
});

describe('refresh', () => {
  it('refreshes one account through the queue and streams its progress and new values', async () => {
    world.sim.setUsage('acct-work', { fiveHourUsedPercent: 55, weeklyUsedPercent: 12 });
    const events = readEvents(
      world.dashboard,
      ({ event, data }) => event === 'state' && data.accounts[0]!.refresh?.state === 'done' && data.accounts[0]!.fiveHour?.usedPercent === 55,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = await call(world.dashboard, 'POST', '/api/refresh', { body: { accountId: world.ids.work } });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({ queued: [world.ids.work] });
    const seen = await events;
    const states = seen.filter((entry) => entry.event === 'state').map((entry) => entry.data.accounts[0]!.refresh?.state ?? null);
    expect(states[0]).toBeNull();
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('done');
    const last = seen.at(-1)!.data.accounts[0]!;
    expect(last.fiveHour).toMatchObject({ usedPercent: 55, source: 'usage-endpoint', sourceLabel: 'usage endpoint', stale: false });
    expect(last.weekly!.usedPercent).toBe(12);
    expect(last.fiveHour!.resetsAt).toBeGreaterThan(Date.now());
    expect(seen.at(-1)!.data.accounts[1]!.refresh).toBeNull();
    // The queue writes its results right after reporting them.
    await expect.poll(async () => (await readStoreFile(world.dir)).accounts[0]!.usage.fiveHour?.usedPercent).toBe(55);
  });

  it('refreshes every enabled account and reports each one', async () => {
    await call(world.dashboard, 'POST', accountPath(world.ids.home!, 'disable'));
    const answer = await call(world.dashboard, 'POST', '/api/refresh');
    expect(answer.json()).toEqual({ queued: [world.ids.work] });
    await readEvents(world.dashboard, ({ event, data }) => event === 'state' && data.accounts[0]!.refresh?.state === 'done');
  });

  it('shows a failed refresh with its reason and the last error', async () => {
    world.sim.revokeAccountTokens('acct-home');
    await world.store.update((data) => {
      data.accounts.find((account) => account.alias === 'home')!.tokens.expiresAt = Date.now() - 1_000;
    });
    await call(world.dashboard, 'POST', '/api/refresh', { body: { accountId: world.ids.home } });
    const seen = await readEvents(world.dashboard, ({ event, data }) => event === 'state' && data.accounts[1]!.refresh?.state === 'failed');
    const home = seen.at(-1)!.data.accounts[1]!;
    expect(home.refresh!.reason).toBeTruthy();
    expect(home.state.kind).toBe('relogin-required');
    expect(home.state.reasons[0]).toContain('needs a new sign-in');
    expectNoSecrets(JSON.stringify(seen));
  });
});

describe('GET /api/events', () => {
  it('sends the state at once, then again when another process changes the store', async () => {
    const events = readEvents(world.dashboard, ({ event, data }) => event === 'state' && !data.accounts[1]!.enabled);
    await new Promise((resolve) => setTimeout(resolve, 150));
    // Another process: its own store instance writing the same file.
    const other = new AccountStore({ dir: world.dir });
    await other.load();
    await other.update((data) => setEnabled(data, world.ids.home!, false));
    await other.close();
    const seen = await events;
    expect(seen[0]!.event).toBe('state');
    expect(seen[0]!.data.accounts[1]!.enabled).toBe(true);
    expect(seen.at(-1)!.data.accounts[1]!.state.kind).toBe('disabled');
  });

  it('answers with an event stream under the same security headers', async () => {
    const answer = await new Promise<{ status: number; headers: Record<string, unknown> }>((resolve) => {
      require_get(world.dashboard.port, (status, headers) => resolve({ status, headers }));
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toContain('text/event-stream');
    expect(answer.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  });
});

describe('POST /api/sign-in', () => {
  it('starts a browser sign-in whose callback adds the account under the alias asked for', async () => {
    world.sim.addAccount({ accountId: 'acct-new', email: 'new@example.test' });
    world.sim.setSignInAccount('acct-new');
    const started = await call(world.dashboard, 'POST', '/api/sign-in', { body: { alias: 'fresh' } });
    expect(started.status).toBe(200);
    const { url, state } = started.json();
    expect(state).toBe('waiting');
    expect(new URL(url!).pathname).toBe('/oauth/authorize');
    // The same sign-in while it waits.
    expect((await call(world.dashboard, 'POST', '/api/sign-in')).json().url).toBe(url);

    const done = readEvents(world.dashboard, ({ event, data }) => event === 'state' && data.signIn?.state === 'done');
    const page = await fetch(url!, { redirect: 'follow' });
    expect(page.status).toBe(200);
    const seen = await done;
    const last = seen.at(-1)!.data;
    expect(last.signIn!.message).toContain('added as fresh');
    expect(last.accounts.map((account) => account.alias)).toEqual(['work', 'home', 'fresh']);
    expectNoSecrets(JSON.stringify(seen));
    expect(JSON.stringify(seen)).not.toMatch(/eyJ[\w-]{10,}\./);
    expect((await readStoreFile(world.dir)).accounts.find((account) => account.alias === 'fresh')!.email).toBe('new@example.test');
  });

  it('refuses an unusable alias', async () => {
    expect((await call(world.dashboard, 'POST', '/api/sign-in', { body: { alias: 'a b' } })).status).toBe(400);
  });
});

import http from 'node:http';
function require_get(port: number, done: (status: number, headers: Record<string, unknown>) => void) {
  const req = http.get({ host: '127.0.0.1', port, path: '/api/events' }, (res) => {
    done(res.statusCode ?? 0, res.headers);
    req.destroy();
  });
  req.on('error', () => undefined);
  return req;
}

describe('with another strategy', () => {
  it('answers with the decision of the configured strategy', async () => {
    const other = await createDashboardWorld({
      accounts: [
        { accountId: 'acct-a', alias: 'a', fiveHourUsedPercent: 10 },
        { accountId: 'acct-b', alias: 'b', fiveHourUsedPercent: 90 },
      ],
      settings: { OPENCODE_MULTI_AUTH_STRATEGY: 'round-robin' },
    });
    try {
      const view = (await call(other.dashboard, 'GET', '/api/state')).json();
      expect(view.serving.strategy).toBe('round-robin');
      expect(view.serving.newSession).toMatchObject({ alias: 'a', reason: 'round-robin', why: 'round-robin: the first in turn' });
    } finally {
      await other.close();
    }
  });
});
