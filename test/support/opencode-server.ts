import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { OPENCODE_BIN, type IsolatedHome } from './opencode.js';

/** One event of OpenCode's `/event` stream. */
export interface OpencodeEvent {
  type: string;
  properties: Record<string, unknown>;
}

export interface OpencodeServer {
  url: string;
  /** Everything the server printed on stderr (for a failure message). */
  stderr(): string;
  close(): Promise<void>;
}

/** A port free on 127.0.0.1 right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Starts the real `opencode serve` (headless: no TUI, the same HTTP server the TUI talks to) in
 * `home`, and resolves once it says where it listens. Each server gets its own free port: with
 * `--port 0` opencode tries 4096 first, so two servers in a row share an origin, and fetch's
 * keep-alive pool then hands the second a socket of the first (ECONNRESET).
 */
export async function startOpencodeServer(home: IsolatedHome, timeoutMs = 60_000, extraArgs: string[] = []): Promise<OpencodeServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(OPENCODE_BIN, ['serve', '--port', String(port), '--hostname', '127.0.0.1', ...extraArgs], {
    env: home.env,
    cwd: home.root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`opencode serve did not say where it listens within ${timeoutMs} ms: ${stdout} ${stderr}`));
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      reject(new Error(`opencode serve exited (${code}) before listening: ${stdout} ${stderr}`));
    });
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, stderr: () => stderr, close });
    });
  });
}

/**
 * Subscribes to the server's `/event` stream for `directory` (the SSE stream the TUI itself reads) and
 * collects every event until closed. Resolves once the server confirms the subscription.
 */
export async function collectEvents(server: OpencodeServer, directory: string, timeoutMs = 30_000): Promise<{ events: OpencodeEvent[]; close(): void }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer from ${server.url}/event within ${timeoutMs} ms`)), timeoutMs);
  const response = await fetch(`${server.url}/event`, {
    headers: { accept: 'text/event-stream', 'x-opencode-directory': directory },
    signal: controller.signal,
  });
  if (!response.ok || !response.body) throw new Error(`GET /event answered ${response.status}`);
  const events: OpencodeEvent[] = [];
  let connected!: () => void;
  const ready = new Promise<void>((resolve) => (connected = resolve));
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trim())
            .join('\n');
          if (!data) continue;
          const event = JSON.parse(data) as OpencodeEvent;
          if (event.type === 'server.connected') connected();
          events.push(event);
        }
      }
    } catch {
      // Closed by us, or the server went away: the events so far are what the test judges.
    }
  })();
  await ready;
  clearTimeout(timer);
  return { events, close: () => controller.abort() };
}

/** Calls the server's HTTP API for `directory` and returns the parsed JSON answer, with a deadline. */
export async function callApi<T>(server: OpencodeServer, directory: string, method: string, path: string, body?: unknown, timeoutMs = 120_000): Promise<T> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-opencode-directory': directory },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}
