import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpencodeClient } from '@opencode-ai/sdk/client';
import { afterEach, describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/codex/routing-events.js';
import { readConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import type { Toast } from '../../src/notify/notices.js';
import { TuiNotifier } from '../../src/notify/notifier.js';
import type { ToastClient } from '../../src/notify/toast-sender.js';
import { AccountStore } from '../../src/store/account-store.js';
import { markReloginRequired, recordSnapshot, upsertAccount } from '../../src/store/mutations.js';
import { makeAccount, removeDir, tempDir } from '../store/factories.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/** A real HTTP server on 127.0.0.1 answering `/tui/show-toast` like OpenCode's, and the SDK client OpenCode hands plugins. */
async function toastServer() {
  const toasts: Toast[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/tui/show-toast') toasts.push(JSON.parse(text) as Toast);
      res.writeHead(200, { 'content-type': 'application/json' }).end('true');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = createOpencodeClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) as ToastClient;
  return { client, toasts };
}

async function setUp(env: NodeJS.ProcessEnv = {}) {
  const dir = tempDir('omac-notify-');
  const store = new AccountStore({ dir });
  await store.load();
  const work = makeAccount(1, { alias: 'work' });
  const personal = makeAccount(2, { alias: 'personal' });
  await store.update((data) => {
    upsertAccount(data, work);
    upsertAccount(data, personal);
  });
  const { client, toasts } = await toastServer();
  const { config, problems } = readConfig({ HOME: dir, ...env });
  const notifier = new TuiNotifier({
    client,
    config,
    configProblems: problems,
    store,
    clock: { now: () => Date.now() },
    logger: createLogger('silent', () => {}),
  });
  cleanups.push(async () => {
    notifier.dispose();
    await store.close();
    removeDir(dir);
  });
  return { store, notifier, toasts, work, personal };
}

/** Waits (generously) until `count` toasts arrived; the notifier looks at the store about once a second. */
async function toastsArrive(toasts: Toast[], count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (toasts.length < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('TuiNotifier with a real store and a real toast endpoint', { timeout: 30_000 }, () => {
  it('warns once when a weekly window crosses the threshold, however often the store changes after', async () => {
    const { store, notifier, toasts, work } = await setUp();
    notifier.start();
    const now = Date.now();
    // Each observation later than the one before: the store keeps only the newest.
    const weekly = (usedPercent: number) => ({
      usedPercent,
      windowMinutes: 10_080,
      resetsAt: now + 3 * 86_400_000,
      observedAt: now + usedPercent,
      source: 'response-headers' as const,
    });
    store.defer((data) => recordSnapshot(data, work.id, 'weekly', weekly(85)));
    store.defer((data) => recordSnapshot(data, work.id, 'weekly', weekly(91)));
    await toastsArrive(toasts, 1);
    for (let percent = 92; percent <= 96; percent++) store.defer((data) => recordSnapshot(data, work.id, 'weekly', weekly(percent)));
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await notifier.settled();
    expect(toasts.map((toast) => toast.title)).toEqual(['work: 91% of the weekly limit used']);
  });

  it('tells of a sign-in lost while it runs, with the command', async () => {
    const { store, notifier, toasts, personal } = await setUp();
    notifier.start();
    await store.update((data) => markReloginRequired(data, personal.id, 'refresh_token_reused', Date.now()));
    await toastsArrive(toasts, 1);
    expect(toasts).toEqual([
      expect.objectContaining({ title: 'personal needs a new sign-in', message: 'personal: refresh_token_reused. Run: opencode-multi-auth login personal' }),
    ]);
  });

  it('names ignored settings once, on start', async () => {
    const { notifier, toasts } = await setUp({ OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT: '150', OPENCODE_MULTI_AUTH_NOTIFY_TYPO: 'x' });
    notifier.start();
    notifier.start();
    await notifier.settled();
    expect(toasts.map((toast) => toast.message)).toEqual([
      'OPENCODE_MULTI_AUTH_PAUSE_AT_PERCENT, OPENCODE_MULTI_AUTH_NOTIFY_TYPO are not valid, so the default applies. Details: opencode-multi-auth doctor',
    ]);
  });

  it('shows one toast for many requests leaving the same exhausted account', async () => {
    const { store, notifier, toasts, work, personal } = await setUp();
    store.defer((data) =>
      recordSnapshot(data, work.id, 'fiveHour', {
        usedPercent: 100,
        windowMinutes: 300,
        resetsAt: Date.now() + 3_600_000,
        observedAt: Date.now(),
        source: 'response-headers',
      }),
    );
    const moved: RoutingEvent = { kind: 'session-moved', sessionId: 'ses_1', fromAccountId: work.id, toAccountId: personal.id, attempts: [] };
    for (let request = 0; request < 50; request++) notifier.onRoutingEvent({ ...moved, sessionId: `ses_${request}` });
    await notifier.settled();
    expect(toasts.map((toast) => toast.title)).toEqual(['Account switched: work → personal']);
  });

  it('shows nothing at NOTIFY=off', async () => {
    const { store, notifier, toasts, personal } = await setUp({ OPENCODE_MULTI_AUTH_NOTIFY: 'off', OPENCODE_MULTI_AUTH_STRATEGY: 'nonsense' });
    notifier.start();
    await store.update((data) => markReloginRequired(data, personal.id, 'refresh_token_reused', Date.now()));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await notifier.settled();
    expect(toasts).toEqual([]);
  });
});
