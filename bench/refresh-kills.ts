/**
 * The kill test's schedule as a measurement, for any checkout: a child refreshing tokens without
 * pause is SIGKILLed 40 times at random and 32 times right as the issuer's answer leaves (0 to 40 ms
 * later); between kills, every account marked for a new sign-in is counted by reason and signed in
 * again. Prints how many accounts the issuer revoked (a refresh token spent twice) and how many were
 * named for a new sign-in instead.
 *
 * node --import tsx bench/refresh-kills.ts [--root <checkout>]   (the checkout needs test/store/workers/refresher.ts)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readStoreFile } from '../src/store/store-file.js';
import { startSimulator } from '../test/sim/index.js';
import { bundleScript } from '../test/support/bundle-script.js';
import { signInSimAccounts } from '../test/support/seed-store.js';

const { values } = parseArgs({ options: { root: { type: 'string' } } });
const root = values.root ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNTS = ['acc1', 'acc2', 'acc3'];
const sim = await startSimulator({ accounts: ACCOUNTS.map((accountId) => ({ accountId })) });
const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'omac-kills-')), 'store');
const worker = bundleScript(path.join(root, 'test/store/workers/refresher.ts'));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const signIn = (accountId: string) => signInSimAccounts(dir, sim, [accountId]);

const marks = new Map<string, number>();
async function review() {
  const read = await readStoreFile(path.join(dir, 'accounts.json'), Date.now());
  if (!read.exists) throw new Error('store gone');
  for (const account of read.data.accounts) {
    const reason = account.health.reloginRequired?.reason;
    if (!reason) continue;
    const key = reason.startsWith('refresh interrupted') ? 'refresh interrupted (named)' : reason;
    marks.set(key, (marks.get(key) ?? 0) + 1);
    await signIn(account.alias);
  }
}

async function run(kill: (child: ChildProcess) => Promise<void>) {
  const child = spawn(process.execPath, [worker, dir, sim.issuer], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('refreshed ')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => resolve());
  });
  await kill(child);
  child.kill('SIGKILL');
  await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  await review();
}

for (const accountId of ACCOUNTS) await signIn(accountId);
for (let n = 0; n < 40; n++) await run(() => sleep(Math.random() * 300));
for (let round = 0; round < 4; round++) {
  for (const delayMs of [0, 0, 1, 2, 5, 10, 20, 40]) {
    await run(
      (child) =>
        new Promise<void>((resolve) => {
          const stop = sim.onRefreshAnswer((answer) => {
            if (answer.status !== 200) return;
            stop();
            if (delayMs === 0) child.kill('SIGKILL');
            else setTimeout(() => child.kill('SIGKILL'), delayMs);
            resolve();
          });
          setTimeout(resolve, 30_000);
        }),
    );
  }
}
const revoked = ACCOUNTS.reduce((sum, accountId) => sum + sim.counters.reuseEvents(accountId), 0);
console.log(`root ${root}: 72 kills; issuer revocations (refresh token spent twice): ${revoked}`);
for (const [reason, count] of marks) console.log(`  accounts marked for a new sign-in: ${count} x ${reason}`);
await sim.close();
fs.rmSync(path.dirname(dir), { recursive: true, force: true });
