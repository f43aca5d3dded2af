/**
 * How long a rotated refresh token lives only in memory: from the issuer's last byte (the simulator's
 * `onRefreshAnswer`, taken when the answer is handed to the socket) to the completed rename that makes
 * it durable (accounts.json, or the refresh journal where there is one), timed with the wall clock in
 * both processes. Idle, and under load: writers hammering the same store (its lock and the disk).
 *
 * Standalone: node --import tsx bench/refresh-durable.ts [--root <checkout>] [--rounds N] [--loaders N]
 * `--root` times another checkout's code (e.g. one made with `git archive`), same worker, same method.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulator } from '../test/sim/index.js';
import { bundleScript } from '../test/support/bundle-script.js';
import { signInSimAccounts } from '../test/support/seed-store.js';
import { quantile, round, type BenchResult } from './stats.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET_MS = 20;

export interface RefreshDurableOptions {
  /** The checkout whose code is timed. Default: this one. */
  root?: string;
  /** Refreshes per account (3 accounts). Default 20. */
  rounds?: number;
  /** Store writers running beside the refresher for the loaded run. Default 4. */
  loaders?: number;
}

function collect(child: ChildProcess): { lines: string[]; exited: Promise<number | null> } {
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`[bench] worker exited ${code}: ${stderr.slice(-1000)}`);
      resolve(code);
    }),
  );
  return { lines, exited };
}

/** Pure: for each answer, the time to the first durable rename after it (ms). */
function windowsOf(answers: number[], renames: number[]): number[] {
  const sorted = [...renames].sort((a, b) => a - b);
  return answers.map((answer) => (sorted.find((at) => at >= answer) ?? Number.NaN) - answer).filter((ms) => Number.isFinite(ms));
}

interface Windows {
  /** Issuer's last byte to the rename that puts the answer on disk (from then on a SIGKILL loses nothing). */
  total: number[];
  /** Issuer's last byte to the answer being fsync'd, file and folder (from then on a power cut loses nothing). */
  fsynced: number[];
  /** The answer's body read in the refreshing process to the durable rename: the code's own part. */
  code: number[];
}

async function measure(root: string, rounds: number, loaders: number): Promise<Windows> {
  const sim = await startSimulator({ accounts: [{ accountId: 'a1' }, { accountId: 'a2' }, { accountId: 'a3' }] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'omac-bench-refresh-'));
  const children: ChildProcess[] = [];
  try {
    await signInSimAccounts(dir, sim, ['a1', 'a2', 'a3']);
    const answers: number[] = [];
    sim.onRefreshAnswer((answer) => {
      if (answer.status === 200) answers.push(answer.lastByteAt);
    });
    for (let n = 0; n < loaders; n++) {
      const loader = spawn(process.execPath, [bundleScript(path.join(root, 'bench/workers/store-loader.ts')), dir], { stdio: ['ignore', 'ignore', 'ignore'] });
      children.push(loader);
    }
    const worker = spawn(process.execPath, [bundleScript(path.join(root, 'bench/workers/refresh-saver.ts')), dir, sim.issuer, String(rounds)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(worker);
    const { lines, exited } = collect(worker);
    const deadline = setTimeout(() => worker.kill('SIGKILL'), 300_000);
    await exited;
    clearTimeout(deadline);
    const renames = lines.filter((line) => line.startsWith('renamed ')).map((line) => Number(line.split(' ')[2]));
    const bodies = lines.filter((line) => line.startsWith('body ')).map((line) => Number(line.split(' ')[1]));
    const saved = lines.filter((line) => line.startsWith('saved ')).map((line) => Number(line.split(' ')[1]));
    return {
      total: windowsOf(answers, renames),
      fsynced: saved.length > 0 ? windowsOf(answers, saved) : windowsOf(answers, renames),
      code: windowsOf(bodies, renames),
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await sim.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function rows(label: string, windows: number[]): BenchResult[] {
  const p50 = round(quantile(windows, 0.5), 2);
  const p95 = round(quantile(windows, 0.95), 2);
  const max = round(Math.max(...windows), 2);
  return [
    { name: `refresh: ${label}, median (n=${windows.length})`, value: p50, unit: 'ms', target: `< ${TARGET_MS} ms`, ok: p50 < TARGET_MS },
    { name: `refresh: ${label}, p95`, value: p95, unit: 'ms', target: `< ${TARGET_MS} ms`, ok: p95 < TARGET_MS },
    { name: `refresh: ${label}, max`, value: max, unit: 'ms' },
  ];
}

export async function benchRefreshDurable(options: RefreshDurableOptions = {}): Promise<BenchResult[]> {
  const root = options.root ?? path.resolve(here, '..');
  const rounds = options.rounds ?? 20;
  const idle = await measure(root, rounds, 0);
  const loaded = await measure(root, rounds, options.loaders ?? 4);
  const load = `under load (${options.loaders ?? 4} store writers)`;
  return [
    ...rows("issuer's last byte -> on disk (renamed), idle", idle.total),
    ...rows(`issuer's last byte -> on disk (renamed), ${load}`, loaded.total),
    ...rows("issuer's last byte -> fsync'd (file and folder), idle", idle.fsynced),
    ...rows(`issuer's last byte -> fsync'd (file and folder), ${load}`, loaded.fsynced),
    ...rows('body read in the process -> on disk, idle', idle.code),
    ...rows(`body read in the process -> on disk, ${load}`, loaded.code),
  ];
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { root: { type: 'string' }, rounds: { type: 'string' }, loaders: { type: 'string' } } });
  const results = await benchRefreshDurable({
    root: values.root,
    rounds: values.rounds ? Number(values.rounds) : undefined,
    loaders: values.loaders ? Number(values.loaders) : undefined,
  });
  for (const row of results) console.log(`${row.name}: ${row.value} ${row.unit}${row.target ? ` (target ${row.target}: ${row.ok ? 'met' : 'MISSED'})` : ''}`);
}
