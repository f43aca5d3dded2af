/**
 * What the fetch benchmarks run against: the simulator in a child process, a store seeded with its
 * accounts, the plugin runtime and the provider fetch exactly as OpenCode gets it, and the direct
 * request an unwrapped client would make to the same backend.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createProviderFetch } from '../src/plugin/provider-fetch.js';
import { PluginRuntime } from '../src/plugin/plugin-runtime.js';
import type { SimTokens } from '../test/sim/index.js';
import { accountFromSimTokens, seedStore } from '../test/support/seed-store.js';

const REPO = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const MODEL = 'gpt-5.4';
const INSTRUCTIONS = 'You are a coding agent running in OpenCode. Be concise.';

interface SimAccount {
  accountId: string;
  tokens: SimTokens;
}

interface SimProcess {
  baseUrl: string;
  issuer: string;
  accounts: SimAccount[];
  child: ChildProcess;
}

async function startSimProcess(accounts: number): Promise<SimProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/sim-server.ts'), '--accounts', String(accounts)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code} before it was ready`)));
  });
  lines.close();
  child.stdout!.resume();
  return { ...(JSON.parse(first) as Omit<SimProcess, 'child'>), child };
}

export interface ModelCall {
  url: string;
  init: RequestInit;
}

/** Reads a reply to the end, chunk by chunk, keeping nothing. Returns the bytes read. */
export async function drain(response: Response, onChunk?: (bytes: number) => void): Promise<number> {
  if (!response.body) return 0;
  const reader = response.body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return bytes;
    bytes += value.byteLength;
    onChunk?.(bytes);
  }
}

export interface FetchSubject {
  pluginFetch: typeof fetch;
  /** The request OpenCode makes: placeholder key, its headers, its body (after `history`, if given). */
  pluginCall(sessionId: string, text: string, history?: readonly unknown[]): ModelCall;
  /** The same request made straight to the backend with the `index`th account's credentials. */
  directCall(sessionId: string, text: string, index: number, history?: readonly unknown[]): ModelCall;
  accounts: number;
  close(): Promise<void>;
}

function input(text: string) {
  return [{ role: 'user', content: [{ type: 'input_text', text }] }];
}

/** The body OpenCode sends; the plugin call and the direct call carry the same one, so they compare fairly. */
function requestBody(sessionId: string, text: string, history: readonly unknown[] = []): string {
  return JSON.stringify({
    model: MODEL,
    instructions: INSTRUCTIONS,
    input: [...history, ...input(text)],
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: sessionId,
  });
}

export async function startFetchSubject(accountCount = 3): Promise<FetchSubject> {
  const sim = await startSimProcess(accountCount);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'multi-auth-bench-'));
  const now = Date.now();
  await seedStore(
    dir,
    sim.accounts.map((account) => accountFromSimTokens(account.tokens, account.accountId, now)),
  );
  const runtime = new PluginRuntime({
    env: {
      OPENCODE_MULTI_AUTH_STORE_DIR: dir,
      OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl,
      OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer,
      OPENCODE_MULTI_AUTH_LOG_LEVEL: 'warn',
    },
    logSink: () => {},
  });
  const pluginFetch = createProviderFetch(() => runtime.readiness());

  return {
    pluginFetch,
    accounts: sim.accounts.length,
    pluginCall: (sessionId, text, history) => ({
      url: 'https://api.openai.com/v1/responses',
      init: {
        method: 'POST',
        // OpenCode gives every request its own signal.
        signal: new AbortController().signal,
        headers: {
          authorization: 'Bearer opencode-multi-auth-placeholder',
          'content-type': 'application/json',
          'user-agent': 'opencode/1.18.33',
          'x-session-affinity': sessionId,
          'x-session-id': sessionId,
        },
        body: requestBody(sessionId, text, history),
      },
    }),
    directCall: (sessionId, text, index, history) => {
      const account = sim.accounts[index % sim.accounts.length]!;
      return {
        url: `${sim.baseUrl}/codex/responses`,
        init: {
          method: 'POST',
          signal: new AbortController().signal,
          headers: {
            authorization: `Bearer ${account.tokens.access_token}`,
            'chatgpt-account-id': account.accountId,
            'content-type': 'application/json',
            accept: 'text/event-stream',
            originator: 'opencode',
            'user-agent': 'opencode/1.18.33',
            session_id: sessionId,
            'x-session-id': sessionId,
          },
          body: requestBody(sessionId, text, history),
        },
      };
    },
    async close() {
      await runtime.dispose();
      sim.child.kill('SIGTERM');
      await new Promise((resolve) => (sim.child.exitCode === null ? sim.child.once('exit', resolve) : resolve(undefined)));
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
