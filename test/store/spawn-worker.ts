import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleScript } from '../support/bundle-script.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Starts `test/store/workers/<name>.ts` as a real Node process (bundled once to plain JavaScript). */
export function spawnWorker(name: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [bundleScript(path.join(here, 'workers', `${name}.ts`)), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
}

/** Resolves with stdout when the process exits 0; rejects with its stderr otherwise. */
export function runWorker(name: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const child = spawnWorker(name, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`worker ${name} exited ${code ?? signal}: ${stderr.slice(-2000)}`));
    });
  });
}

/** Resolves once the child has printed `marker` on stdout. */
export function waitForOutput(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) {
        child.stdout!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before printing ${marker}`)));
  });
}

export function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
