import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { readConfig, type Config } from '../../src/config/config.js';
import { startDashboard, type Dashboard } from '../../src/dashboard/server.js';
import type { DashboardView, SignInView } from '../../src/dashboard/view-model.js';
import { AccountStore } from '../../src/store/account-store.js';
import type { Account } from '../../src/store/schema.js';
import { freePorts } from '../signin/free-ports.js';
import { startSimulator, type SimAccountSpec, type Simulator } from '../sim/index.js';
import { accountFromSimTokens, seedStore } from '../support/seed-store.js';

/** A simulator, a temp store seeded with its accounts, and a dashboard on a free port. */
export interface DashboardWorld {
  sim: Simulator;
  dir: string;
  config: Config;
  store: AccountStore;
  dashboard: Dashboard;
  /** alias -> account id */
  ids: Record<string, string>;
  /** Every token the seeded accounts hold, to prove none reaches the page. */
  secrets: string[];
  close(): Promise<void>;
}

export interface WorldOptions {
  accounts: (SimAccountSpec & { alias: string; edit?: (account: Account) => void })[];
  usageLatencyMs?: number;
  /** More OPENCODE_MULTI_AUTH_* settings for the dashboard's config. */
  settings?: Record<string, string>;
}

export async function createDashboardWorld(options: WorldOptions): Promise<DashboardWorld> {
  // Callback ports of this world, which its issuer accepts (the real one, and the simulator's default, only 1455 and 1457).
  const signInPorts = await freePorts(2);
  const sim = await startSimulator({ accounts: options.accounts, usageLatencyMs: options.usageLatencyMs, redirectPorts: signInPorts });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'oma-dashboard-'));
  const now = Date.now();
  const ids: Record<string, string> = {};
  const secrets: string[] = [];
  const seeded = options.accounts.map((spec) => {
    const tokens = sim.issueTokens(spec.accountId);
    secrets.push(tokens.access_token, tokens.refresh_token, tokens.id_token);
    const account = accountFromSimTokens(tokens, spec.alias, now, spec.edit);
    ids[spec.alias] = account.id;
    return account;
  });
  await seedStore(dir, seeded);
  const { config } = readConfig({
    OPENCODE_MULTI_AUTH_STORE_DIR: dir,
    OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer,
    OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl,
    HOME: dir,
    ...options.settings,
  });
  const store = new AccountStore({ dir, statIntervalMs: 50, debounceMs: 20 });
  await store.load();
  const dashboard = await startDashboard({ store, config, port: 0, watchIntervalMs: 100, signInPorts });
  return {
    sim,
    dir,
    config,
    store,
    dashboard,
    ids,
    secrets,
    async close() {
      await dashboard.close();
      await store.close();
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The dashboard's JSON answers, every shape in one: the view (GET /api/state), an action's `message`, an
 * `error`, a refresh's `queued` ids, a sign-in's `url` and `state`. Each test reads the fields its route sends.
 */
export type AnswerJson = DashboardView & Omit<SignInView, 'message'> & { message: string; error: string; queued: string[] };

/** A server-sent event; the tests wait for `state` events, whose data is the view. */
export interface DashboardEvent {
  event: string;
  data: DashboardView;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): AnswerJson;
}

/** One request with full control of the headers (fetch would not let a test forge Host). */
export function call(
  dashboard: Pick<Dashboard, 'port' | 'token'>,
  method: string,
  requestPath: string,
  options: { headers?: Record<string, string>; body?: unknown; token?: string | null } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { host: `127.0.0.1:${dashboard.port}`, ...options.headers };
  let payload: string | undefined;
  if (method !== 'GET') {
    payload = JSON.stringify(options.body ?? {});
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
    const token = options.token === undefined ? dashboard.token : options.token;
    if (token !== null) headers['x-dashboard-token'] = token;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: dashboard.port, method, path: requestPath, headers, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as AnswerJson });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** Reads server-sent events until `until` accepts one (or the time runs out). */
export function readEvents(dashboard: Pick<Dashboard, 'port'>, until: (event: DashboardEvent) => boolean, timeoutMs = 10_000): Promise<DashboardEvent[]> {
  return new Promise((resolve, reject) => {
    const seen: DashboardEvent[] = [];
    const req = http.get({ host: '127.0.0.1', port: dashboard.port, path: '/api/events', headers: { host: `127.0.0.1:${dashboard.port}` } }, (res) => {
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (!event || data === undefined) continue;
          const parsed = { event, data: JSON.parse(data) as DashboardView };
          seen.push(parsed);
          if (until(parsed)) {
            clearTimeout(timer);
            req.destroy();
            resolve(seen);
            return;
          }
        }
      });
    });
    req.on('error', () => undefined);
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no matching event within ${timeoutMs} ms; saw ${seen.map((entry) => entry.event).join(', ')}`));
    }, timeoutMs);
  });
}

/** The store as another process would read it from the file. */
export async function readStoreFile(dir: string) {
  const store = new AccountStore({ dir });
  try {
    return await store.load();
  } finally {
    await store.close();
  }
}
