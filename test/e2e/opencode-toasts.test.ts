import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../sim/index.js';
import { isolatedHome, type IsolatedHome } from '../support/opencode.js';
import { callApi, collectEvents, startOpencodeServer, type OpencodeEvent, type OpencodeServer } from '../support/opencode-server.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

beforeAll(async () => {
  // The plugin is loaded from dist/: the test command builds it first.
  await fs.access(new URL('../../dist/index.js', import.meta.url));
});

const MODEL = { providerID: 'openai', modelID: 'gpt-5.4' };

async function setUp(extraEnv: NodeJS.ProcessEnv = {}, options: { signedOut?: boolean } = {}) {
  const sim = await startSimulator({
    accounts: [
      { accountId: 'acct-first' },
      { accountId: 'acct-second', fiveHourUsedPercent: 60 },
      ...(options.signedOut ? [{ accountId: 'acct-broken' }] : []),
    ],
  });
  cleanups.push(() => sim.close());
  const home = await isolatedHome({ OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl, OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer, ...extraEnv });
  cleanups.push(() => home.cleanup());
  const now = Date.now();
  await seedStore(home.storeDir, [
    accountFromSimTokens(sim.issueTokens('acct-first'), 'first', now),
    // Less headroom than `first`, so a new session starts on `first`.
    accountFromSimTokens(sim.issueTokens('acct-second'), 'second', now, (account) => {
      account.usage.fiveHour = {
        usedPercent: 60,
        windowMinutes: 300,
        resetsAt: sim.usage('acct-second').fiveHourResetsAt,
        observedAt: now,
        source: 'usage-endpoint',
      };
    }),
    ...(options.signedOut
      ? [
          accountFromSimTokens(sim.issueTokens('acct-broken'), 'broken', now, (account) => {
            account.health.reloginRequired = { reason: 'refresh_token_reused', at: now };
          }),
        ]
      : []),
  ]);
  const server = await startOpencodeServer(home);
  cleanups.push(() => server.close());
  const stream = await collectEvents(server, home.root);
  cleanups.push(() => stream.close());
  return { sim, home, server, stream };
}

async function say(server: OpencodeServer, home: IsolatedHome, sessionId: string, text: string) {
  return callApi<{ info: { error?: unknown } }>(server, home.root, 'POST', `/session/${sessionId}/message`, { model: MODEL, parts: [{ type: 'text', text }] });
}

function servedBy(sim: Simulator, sessionId: string): Array<string | undefined> {
  return sim.log
    .filter((entry) => entry.route === 'responses' && entry.headers['session_id'] === sessionId && entry.status === 200)
    .map((entry) => entry.accountId);
}

const toastsIn = (events: OpencodeEvent[]) => events.filter((event) => event.type === 'tui.toast.show').map((event) => event.properties);

async function pluginLog(home: IsolatedHome): Promise<string> {
  return fs.readFile(path.join(home.root, 'plugin.log'), 'utf8').catch(() => '');
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Toasts are fire and forget: waits (generously, the machine is shared) until `count` have arrived,
 * then a little longer so that one too many would be seen too.
 */
async function settle(events: OpencodeEvent[], count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (toastsIn(events).length < count && Date.now() < deadline) await sleep(100);
  await sleep(3_000);
}

describe('toasts through the real opencode server', { timeout: 240_000 }, () => {
  it('shows exactly one toast, naming both accounts and why, when a session moves because its account ran out', async () => {
    const { sim, home, server, stream } = await setUp();
    const session = await callApi<{ id: string }>(server, home.root, 'POST', '/session', {});

    const first = await say(server, home, session.id, 'first turn');
    expect(first.info.error, server.stderr()).toBeUndefined();
    expect(servedBy(sim, session.id)).toEqual(expect.arrayContaining(['acct-first']));
    expect(servedBy(sim, session.id)).not.toContain('acct-second');
    await settle(stream.events, 0);
    expect(toastsIn(stream.events)).toEqual([]);

    // The account the session is on runs out: the backend answers 429 usage_limit_reached.
    sim.setUsage('acct-first', { fiveHourUsedPercent: 100 });
    const second = await say(server, home, session.id, 'second turn');
    expect(second.info.error, server.stderr()).toBeUndefined();
    expect(servedBy(sim, session.id).at(-1)).toBe('acct-second');
    expect(sim.log.some((entry) => entry.route === 'responses' && entry.accountId === 'acct-first' && entry.status === 429)).toBe(true);

    // And a third turn on the new account: no second toast for the same move.
    await say(server, home, session.id, 'third turn');
    await settle(stream.events, 1);

    const toasts = toastsIn(stream.events);
    expect(toasts, await pluginLog(home)).toHaveLength(1);
    const [toast] = toasts;
    expect(toast).toMatchObject({ title: 'Account switched: first → second', variant: 'info' });
    expect(toast!.message).toMatch(
      /^A session moved from first to second because first: 5h limit \(100% used\) until .+\. Its prompt cache starts over on second\.$/,
    );
    expect(await pluginLog(home)).toContain('"message":"toast shown"');
  });

  it('at NOTIFY=errors shows only what needs the user: the sign-in command and the ignored setting, once each', async () => {
    const { sim, home, server, stream } = await setUp({ OPENCODE_MULTI_AUTH_NOTIFY: 'errors', OPENCODE_MULTI_AUTH_STRATEGY: 'fastest' }, { signedOut: true });
    const session = await callApi<{ id: string }>(server, home.root, 'POST', '/session', {});
    await say(server, home, session.id, 'first turn');
    sim.setUsage('acct-first', { fiveHourUsedPercent: 100 });
    await say(server, home, session.id, 'second turn');
    expect(servedBy(sim, session.id).at(-1)).toBe('acct-second');
    await settle(stream.events, 2);

    const toasts = toastsIn(stream.events);
    expect(toasts.map((toast) => toast.title).sort(), await pluginLog(home)).toEqual(['broken needs a new sign-in', 'opencode-multi-auth: settings ignored']);
    expect(toasts.find((toast) => toast.title === 'broken needs a new sign-in')!.message).toBe(
      'broken: refresh_token_reused. Run: opencode-multi-auth login broken',
    );
    expect(toasts.find((toast) => toast.title === 'opencode-multi-auth: settings ignored')!.message).toContain('OPENCODE_MULTI_AUTH_STRATEGY is not valid');
  });
});
