import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type Simulator, type SimulatorOptions } from '../sim/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// The built command-line tool, as the `opencode-multi-auth` bin runs it (the test command builds first).
const mainScript = path.join(repoRoot, 'dist', 'cli', 'main.js');

/** A simulator and a home of temp dirs for the tool to run in: store, XDG dirs, HOME. */
export interface CliWorld {
  sim: Simulator;
  home: string;
  storeDir: string;
  env: NodeJS.ProcessEnv;
  /** OpenCode's auth.json in this world. */
  openCodeAuthFile: string;
  openCodeConfigDir: string;
  close(): Promise<void>;
}

export async function createWorld(options: SimulatorOptions = {}): Promise<CliWorld> {
  const sim = await startSimulator(options);
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'oma-cli-'));
  const storeDir = path.join(home, 'store');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    XDG_STATE_HOME: path.join(home, 'state'),
    NO_COLOR: '1',
    OPENCODE_MULTI_AUTH_STORE_DIR: storeDir,
    OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer,
    OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl,
  };
  return {
    sim,
    home,
    storeDir,
    env,
    openCodeAuthFile: path.join(home, 'data', 'opencode', 'auth.json'),
    openCodeConfigDir: path.join(home, 'config', 'opencode'),
    async close() {
      await sim.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` appears on stdout or stderr, with its match. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray>;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/** The built tool's entry, for tests that run it through a shell (pipes). */
export const CLI_MAIN = mainScript;

/** Starts `opencode-multi-auth <args>` as a real child process (in the repository, or `cwd`). */
export function startCli(world: CliWorld, args: string[], extraEnv: NodeJS.ProcessEnv = {}, cwd = repoRoot): CliRun {
  const child = spawn(process.execPath, [mainScript, ...args], {
    cwd,
    env: { ...world.env, ...extraEnv },
  });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: (match: RegExpMatchArray) => void }[] = [];
  const check = () => {
    for (const waiter of [...waiters]) {
      const match = (out + err).match(waiter.pattern);
      if (match) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  };
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    check();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    check();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout: out, stderr: err })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor: (pattern) =>
      new Promise((resolve, reject) => {
        waiters.push({ pattern, resolve });
        check();
        void done.then(() => {
          const match = (out + err).match(pattern);
          if (match) resolve(match);
          else reject(new Error(`the tool exited without printing ${pattern}:\n${out}\n${err}`));
        });
      }),
    done,
  };
}

/** Runs the tool to completion with stdin closed. */
export async function runCli(world: CliWorld, args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}) {
  const run = startCli(world, args, options.env, options.cwd);
  run.child.stdin.end(options.input ?? '');
  return run.done;
}

export async function readJsonFile(filePath: string): Promise<unknown> {
  return JSON.parse(await fs.readFile(filePath, 'utf8'));
}

/** Text with every run of whitespace made one space: messages are wrapped at 80 columns. */
export function flat(text: string): string {
  return text.replace(/\s+/g, ' ');
}
