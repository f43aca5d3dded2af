/**
 * Is `opencode run` slower with toasts on? The same run (the real `opencode` binary, the simulator,
 * an account that needs a new sign-in and one past the weekly warning, so two toasts fire in every
 * run with notifications on), with `OPENCODE_MULTI_AUTH_NOTIFY=off` and `=all`, interleaved.
 *
 * Run: npm run build && node --import tsx bench/toasts-opencode-run.ts [--runs 5]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from '../test/sim/index.js';
import { isolatedHome, OPENCODE_BIN, type IsolatedHome } from '../test/support/opencode.js';
import { accountFromSimTokens, seedStore } from '../test/support/seed-store.js';
import { median, quantile, round } from './stats.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const MODES = ['off', 'all'] as const;

const sim = await startSimulator({
  accounts: [{ accountId: 'acct-broken' }, { accountId: 'acct-good', weeklyUsedPercent: 95, costPerRequest: { fiveHour: 0, weekly: 0 } }],
});
const wallMs: Record<(typeof MODES)[number], number[]> = { off: [], all: [] };
/** CPU time (user + system) of the opencode process: less swayed than wall time by a busy machine. */
const cpuMs: Record<(typeof MODES)[number], number[]> = { off: [], all: [] };

/** `opencode run` under /usr/bin/time, for its CPU time; bounded by `timeoutMs`. */
function timedRun(args: string[], home: IsolatedHome, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; cpuMs: number }> {
  const timesFile = path.join(home.root, 'times');
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%U %S', '-o', timesFile, OPENCODE_BIN, ...args], {
      env: home.env,
      cwd: home.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      void fs.readFile(timesFile, 'utf8').then((text) => {
        const [user, system] = text.trim().split(/\s+/).slice(-2).map(Number);
        resolve({ code, stdout, stderr, cpuMs: ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1_000 });
      }, reject);
    });
  });
}
const toastMs: number[] = [];
let toastsShown = 0;
let toastsNotShown = 0;

async function oneRun(mode: (typeof MODES)[number]): Promise<void> {
  const home = await isolatedHome({
    OPENCODE_MULTI_AUTH_CODEX_BASE_URL: sim.baseUrl,
    OPENCODE_MULTI_AUTH_AUTH_ISSUER: sim.issuer,
    OPENCODE_MULTI_AUTH_NOTIFY: mode,
  });
  try {
    const now = Date.now();
    await seedStore(home.storeDir, [
      accountFromSimTokens(sim.issueTokens('acct-broken'), 'broken', now, (account) => {
        account.health.reloginRequired = { reason: 'refresh_token_reused', at: now };
      }),
      accountFromSimTokens(sim.issueTokens('acct-good'), 'good', now, (account) => {
        account.usage.weekly = { usedPercent: 95, windowMinutes: 10_080, resetsAt: now + 3 * 86_400_000, observedAt: now, source: 'usage-endpoint' };
      }),
    ]);
    const started = performance.now();
    const result = await timedRun(['run', '--model', 'openai/gpt-5.4', 'say hi'], home, 120_000);
    const elapsed = performance.now() - started;
    if (result.code !== 0 || !result.stdout.includes('Hello from acct-good.'))
      throw new Error(`run failed (${result.code}): ${result.stdout} ${result.stderr}`);
    wallMs[mode].push(elapsed);
    cpuMs[mode].push(result.cpuMs);
    const log = await fs.readFile(path.join(home.root, 'plugin.log'), 'utf8').catch(() => '');
    for (const line of log.split('\n').filter(Boolean)) {
      const entry = JSON.parse(line) as { message: string; ms?: number };
      if (entry.message === 'toast shown') {
        toastsShown++;
        if (entry.ms !== undefined) toastMs.push(entry.ms);
      } else if (entry.message === 'toast not shown') toastsNotShown++;
    }
  } finally {
    await home.cleanup();
  }
}

// One warm-up (OpenCode installs its plugin package into the first config dir), not counted.
await oneRun('off');
wallMs.off.length = 0;
cpuMs.off.length = 0;
for (let index = 0; index < runs; index++) for (const mode of index % 2 === 0 ? MODES : [...MODES].reverse()) await oneRun(mode);
await sim.close();

const row = (what: string, samples: number[]) =>
  `${what.padEnd(16)} runs ${samples.length}  median ${round(median(samples), 0)} ms  p25 ${round(quantile(samples, 0.25), 0)}  p75 ${round(quantile(samples, 0.75), 0)}  each: ${samples.map((ms) => round(ms, 0)).join(', ')}`;
for (const mode of MODES) console.log(row(`wall NOTIFY=${mode}`, wallMs[mode]));
for (const mode of MODES) console.log(row(`cpu  NOTIFY=${mode}`, cpuMs[mode]));
console.log(
  `difference of medians (all - off): wall ${round(median(wallMs.all) - median(wallMs.off), 0)} ms, cpu ${round(median(cpuMs.all) - median(cpuMs.off), 0)} ms`,
);
console.log(`toasts shown ${toastsShown}, not shown ${toastsNotShown}; time to shown: median ${round(median(toastMs), 1)} ms, max ${Math.max(...toastMs)} ms`);
