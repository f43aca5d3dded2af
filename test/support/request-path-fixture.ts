import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Deadlines } from '../../src/http/http-client.js';
import { createProviderFetch } from '../../src/plugin/provider-fetch.js';
import { PluginRuntime } from '../../src/plugin/plugin-runtime.js';
import { AccountStore } from '../../src/store/account-store.js';
import type { Account, StoreData } from '../../src/store/schema.js';
import { startSimulator, type SimAccountSpec, type Simulator, type SimulatorOptions, type SimTokens } from '../sim/index.js';
import { accountFromSimTokens, seedStore } from './seed-store.js';

/** The placeholder key the plugin's auth loader hands OpenCode. */
const PLACEHOLDER_AUTHORIZATION = 'Bearer opencode-multi-auth-codex';

/** A model request body as OpenCode sends it (with `max_output_tokens`, which the backend refuses), with `fields` changed. */
export function openCodeRequestBody(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'gpt-5.4',
    input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    stream: true,
    store: false,
    max_output_tokens: 1000,
    ...fields,
  };
}

export interface SentReply {
  status: number;
  headers: Headers;
  text: string;
}

export interface RequestPathFixture {
  sim: Simulator;
  runtime: PluginRuntime;
  /** The store directory (a fresh temp dir). */
  dir: string;
  /** Every line the plugin logged, at debug level. */
  logLines: string[];
  /** Tokens the simulator minted at sign-in, by simulator account id. */
  signedIn: Record<string, SimTokens>;
  /** Sends a model request through the provider fetch, as OpenCode would, and reads the whole reply. */
  send(options?: { body?: Record<string, unknown>; sessionId?: string; signal?: AbortSignal }): Promise<SentReply>;
  /** Which simulator accounts `/codex/responses` saw, in order. */
  responsesTried(): (string | undefined)[];
  /** The store as a fresh reader sees it once the plugin's pending writes are on disk. */
  storedData(): Promise<StoreData>;
  /** The stored account whose alias is the simulator account id. */
  storedAccount(simAccountId: string): Promise<Account>;
  close(): Promise<void>;
}

export interface RequestPathFixtureOptions {
  /** Simulator accounts; each is signed in and stored with its id as alias, in this order. */
  accounts: SimAccountSpec[];
  /** Extra `OPENCODE_MULTI_AUTH_*` settings. */
  env?: Record<string, string>;
  sim?: Omit<SimulatorOptions, 'accounts'>;
  /** Write the store file yourself instead (corrupt files); accounts are then only in the simulator. */
  writeStore?: (dir: string) => Promise<void>;
  /** Changes the seeded store before the plugin first reads it (pins, snapshots, cooldowns). */
  editStore?: (data: StoreData) => void;
  /** Deadlines of the issuer and usage requests (default the plugin's own). */
  smallReplyDeadlines?: Deadlines;
}

/**
 * A simulator, a real store in a temp dir with one signed-in account per simulator account, and a
 * PluginRuntime wired to both through its environment, reached through the provider fetch.
 */
export async function requestPathFixture(options: RequestPathFixtureOptions): Promise<RequestPathFixture> {
  const sim = await startSimulator({ accounts: options.accounts, ...options.sim });
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'request-path-'));
  const signedIn: Record<string, SimTokens> = {};
  if (options.writeStore) {
    await options.writeStore(dir);
  } else {
    const accounts = options.accounts.map((spec) => {
      const tokens = sim.issueTokens(spec.accountId);
      signedIn[spec.accountId] = tokens;
      return accountFromSimTokens(tokens, spec.accountId, sim.clock.now());
    });
    await seedStore(dir, accounts);
    if (options.editStore) {
      const editor = new AccountStore({ dir });
      await editor.load();
      await editor.update(options.editStore);
      await editor.close();
    }
  }
  const logLines: string[] = [];
  const runtime = new PluginRuntime({
    env: {
      OPENCODE_MULTI_AUTH_STORE_DIR: dir,
      OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl,
      OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer,
      OPENCODE_MULTI_AUTH_LOG_LEVEL: 'debug',
      ...options.env,
    },
    clock: sim.clock,
    logSink: (line) => logLines.push(line),
    smallReplyDeadlines: options.smallReplyDeadlines,
  });
  const providerFetch = createProviderFetch(
    () => runtime.readiness(),
    () => runtime.settingsNotice(),
  );

  const storedData = async (): Promise<StoreData> => {
    await runtime.store.flush();
    const reader = new AccountStore({ dir });
    try {
      return await reader.load();
    } finally {
      await reader.close();
    }
  };

  return {
    sim,
    runtime,
    dir,
    logLines,
    signedIn,
    async send({ body = openCodeRequestBody(), sessionId = 'ses_x', signal } = {}) {
      const response = await providerFetch('https://api.openai.com/v1/responses', {
        method: 'POST',
        signal,
        headers: { authorization: PLACEHOLDER_AUTHORIZATION, 'content-type': 'application/json', 'x-session-id': sessionId },
        body: JSON.stringify(body),
      });
      return { status: response.status, headers: response.headers, text: await response.text() };
    },
    responsesTried: () => sim.log.filter((entry) => entry.route === 'responses').map((entry) => entry.accountId),
    storedData,
    async storedAccount(simAccountId) {
      const account = (await storedData()).accounts.find((candidate) => candidate.alias === simAccountId);
      if (!account) throw new Error(`no stored account with alias ${simAccountId}`);
      return account;
    },
    async close() {
      await runtime.dispose();
      await sim.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every token the simulator handed out or was shown: sign-in tokens, bearer tokens it received, refresh tokens spent. */
export function tokensSeenBySimulator(fixture: Pick<RequestPathFixture, 'sim' | 'signedIn'>): string[] {
  const tokens = new Set<string>();
  for (const minted of Object.values(fixture.signedIn)) {
    tokens.add(minted.access_token);
    tokens.add(minted.refresh_token);
    tokens.add(minted.id_token);
  }
  for (const entry of fixture.sim.log) {
    const bearer = /^Bearer (.+)$/i.exec(entry.headers.authorization ?? '')?.[1];
    if (bearer) tokens.add(bearer);
    const body = entry.body as Record<string, unknown> | undefined;
    if (body && typeof body.refresh_token === 'string') tokens.add(body.refresh_token);
  }
  return [...tokens];
}
