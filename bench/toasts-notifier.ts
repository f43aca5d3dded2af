/**
 * What notifications cost the request path itself: the synchronous time of one routing event
 * (translate, decide, start a toast), with the notifier on and off. Against a real HTTP server that
 * answers `/tui/show-toast`, through the SDK client OpenCode hands the plugin.
 *
 * Run: node --import tsx bench/toasts-notifier.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs/promises';
import { createOpencodeClient } from '@opencode-ai/sdk/client';
import type { RoutingEvent } from '../src/codex/routing-events.js';
import { readConfig, type NotifyLevel } from '../src/config/config.js';
import { createLogger } from '../src/log/logger.js';
import { TuiNotifier } from '../src/notify/notifier.js';
import type { ToastClient } from '../src/notify/toast-sender.js';
import { AccountStore } from '../src/store/account-store.js';
import { upsertAccount } from '../src/store/mutations.js';
import { routingAccount, snapshot } from '../test/support/routing-accounts.js';
import { round } from './stats.js';

const EVENTS = 20_000;
let toastsReceived = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    toastsReceived++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('true');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const client = createOpencodeClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }) as ToastClient;
const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'omac-bench-notify-'));

async function measure(level: NotifyLevel): Promise<number> {
  const store = new AccountStore({ dir });
  await store.load();
  const now = Date.now();
  const out = routingAccount('work', (account) => (account.usage.fiveHour = snapshot(100, { resetsAt: now + 3_600_000, observedAt: now })));
  const spare = routingAccount('personal');
  await store.update((data) => {
    upsertAccount(data, out);
    upsertAccount(data, spare);
  });
  const { config } = readConfig({ HOME: dir, OPENCODE_MULTI_AUTH_NOTIFY: level });
  const notifier = new TuiNotifier({ client, config, configProblems: [], store, clock: { now: () => Date.now() }, logger: createLogger('silent', () => {}) });
  const event: RoutingEvent = { kind: 'session-moved', sessionId: 'ses_1', fromAccountId: out.id, toAccountId: spare.id, model: 'gpt-5.4', attempts: [] };
  for (let index = 0; index < 1_000; index++) notifier.onRoutingEvent(event);
  const started = performance.now();
  for (let index = 0; index < EVENTS; index++) notifier.onRoutingEvent(event);
  const perEventUs = ((performance.now() - started) * 1_000) / EVENTS;
  await notifier.settled();
  notifier.dispose();
  await store.close();
  return perEventUs;
}

const off = await measure('off');
const all = await measure('all');
console.log(
  `per routing event on the request path: NOTIFY=off ${round(off, 2)} µs, NOTIFY=all ${round(all, 2)} µs (${EVENTS} events, all but the first in cooldown)`,
);
console.log(`toasts that reached the server: ${toastsReceived} (one per cause per cooldown, not one per event)`);
server.close();
await fs.rm(dir, { recursive: true, force: true });
