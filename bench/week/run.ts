/**
 * `npm run bench:week`: a week of OpenCode traffic against each scenario's accounts, per strategy, per
 * load, over several seeds, against an upper bound no policy can beat. Prints the table (mean ± sd over
 * seeds) and whether the targets hold. A benchmark, not a test: it always exits 0.
 *
 * Run: node --import tsx bench/week/run.ts [--seeds 8] [--scenario "3 plus"] [--loads 1,1.3] [--workers 2] [--markdown]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { LOADS, SCENARIOS } from './parameters.js';
import { checkTargets, formatTable, type Cell } from './report.js';
import type { Combination } from './run-combination.js';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    scenario: { type: 'string' },
    loads: { type: 'string' },
    workers: { type: 'string', default: String(Math.min(2, os.availableParallelism())) },
    markdown: { type: 'boolean', default: false },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, index) => index + 1);
const scenarios = SCENARIOS.filter((scenario) => values.scenario === undefined || scenario.name === values.scenario);
const loads = values.loads ? values.loads.split(',').map(Number) : LOADS;
const workerCount = Number(values.workers);
if (seeds.length === 0 || scenarios.length === 0 || loads.some((load) => !(load > 0)) || !(workerCount >= 1)) {
  console.error(
    `Nothing to run: --seeds and --workers must be at least 1, --scenario one of ${SCENARIOS.map((s) => `"${s.name}"`).join(', ')}, --loads positive numbers.`,
  );
  process.exit(2);
}

const started = Date.now();
const combinations: Combination[] = scenarios.flatMap((scenario) => loads.map((load) => ({ scenario: scenario.name, load, seeds })));
const results = new Map<Combination, Cell[]>();
let lpMs = 0;

/** Hands combinations to a worker until none are left; each worker loads its own HiGHS. */
function work(): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url));
    let current: Combination | undefined;
    const next = () => {
      current = combinations.shift();
      worker.postMessage(current ?? null);
      if (!current) resolve();
    };
    worker.on('message', (message: 'ready' | { cells: Cell[]; lpMs: number }) => {
      if (message !== 'ready' && current) {
        results.set(current, message.cells);
        lpMs += message.lpMs;
        console.error(`[bench:week] ${current.scenario} at ${current.load}x done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
      }
      next();
    });
    worker.on('error', reject);
  });
}

const order = [...combinations];
await Promise.all(Array.from({ length: Math.min(workerCount, combinations.length) }, work));
const cells = order.flatMap((combination) => results.get(combination) ?? []);

const seconds = (Date.now() - started) / 1000;
console.log(formatTable(cells, { markdown: values.markdown }));
console.log();
const targets = checkTargets(cells);
for (const line of targets.lines) console.log(line);
console.log(
  `\n${targets.met} targets met, ${targets.missed} missed. ${seeds.length} seeds, ${workerCount} workers, ${seconds.toFixed(0)} s (upper bounds ${(lpMs / 1000).toFixed(0)} s of CPU) on ${process.version}.`,
);
process.exitCode = 0;
