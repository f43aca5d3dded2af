/**
 * `npm run bench`: every benchmark in one run, one table. Benchmarks are not tests: this always
 * exits 0, and a missed target is reported in the table, not by the exit code.
 *
 * Run: node --expose-gc --import tsx bench/run.ts [--only choose,fetch,body,stream,usage,refresh] [--quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchBodySize } from './body-size.js';
import { benchChooseAccount } from './choose-account.js';
import { benchFetchOverhead, benchLargeStream } from './provider-fetch.js';
import { benchRefreshDurable } from './refresh-durable.js';
import type { BenchResult } from './stats.js';
import { startFetchSubject } from './subject.js';

const SECTIONS = ['choose', 'fetch', 'body', 'stream', 'usage', 'refresh'] as const;
type Section = (typeof SECTIONS)[number];

const { values } = parseArgs({ options: { only: { type: 'string' }, quick: { type: 'boolean', default: false } } });
const only = new Set((values.only?.split(',') ?? SECTIONS) as Section[]);
const quick = values.quick;

/** bench/usage-refresh.ts is another engineer's; included when it is there. */
async function usageRefresh(): Promise<BenchResult[] | undefined> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'usage-refresh.ts');
  if (!fs.existsSync(file)) return undefined;
  const module = (await import(pathToFileURL(file).href)) as { benchUsageRefresh?: () => Promise<BenchResult[]> };
  return module.benchUsageRefresh?.();
}

function printTable(rows: BenchResult[]): void {
  const cells = rows.map((row) => [row.name, `${row.value} ${row.unit}`, row.target ?? '', row.ok === undefined ? '' : row.ok ? 'met' : 'MISSED']);
  const header = ['benchmark', 'value', 'target', ''];
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((cell) => cell[column]!.length)));
  const line = (cell: string[]) =>
    cell
      .map((text, column) => (column === 1 ? text.padStart(widths[column]!) : text.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  for (const cell of cells) console.log(line(cell));
}

const results: BenchResult[] = [];
const started = Date.now();
const section = async (name: Section, run: () => Promise<BenchResult[] | undefined> | BenchResult[] | undefined) => {
  if (!only.has(name)) return;
  const sectionStarted = Date.now();
  try {
    const rows = await run();
    if (rows) results.push(...rows);
    else results.push({ name: `${name}: not available`, value: 0, unit: '' });
  } catch (error) {
    console.error(`${name} failed:`, error);
    results.push({ name: `${name}: FAILED (${error instanceof Error ? error.message : String(error)})`, value: 0, unit: '', ok: false });
  }
  console.error(`[bench] ${name} done in ${((Date.now() - sectionStarted) / 1000).toFixed(1)} s`);
};

if ((globalThis as { gc?: unknown }).gc === undefined) console.error('[bench] run with --expose-gc for the memory figures');

await section('choose', () => benchChooseAccount(quick ? { samples: 30 } : {}));
if (only.has('fetch') || only.has('body') || only.has('stream')) {
  const subject = await startFetchSubject(3);
  try {
    await section('fetch', () => benchFetchOverhead(subject, quick ? { requests: 200, warmup: 50 } : {}));
    await section('body', () => benchBodySize(subject, { quick }));
    await section('stream', () => benchLargeStream(subject, quick ? { rounds: 1 } : {}));
  } finally {
    await subject.close();
  }
}
await section('usage', usageRefresh);
await section('refresh', () => benchRefreshDurable(quick ? { rounds: 5 } : {}));

console.log();
printTable(results);
const missed = results.filter((row) => row.ok === false);
console.log(
  `\n${results.filter((row) => row.ok === true).length} targets met, ${missed.length} missed; ${((Date.now() - started) / 1000).toFixed(0)} s on ${process.version}.`,
);
process.exitCode = 0;
