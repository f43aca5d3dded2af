/**
 * `npm run bench:week`: a week of OpenCode traffic against each scenario's accounts, per strategy, per
 * load, over several seeds, against an upper bound no policy can beat. Prints the table (mean ± sd over
 * seeds) and whether the targets hold. A benchmark, not a test: it always exits 0.
 *
 * Run: node --import tsx bench/week/run.ts [--seeds 8] [--scenario "3 plus"] [--loads 1,1.3] [--markdown]
 */
import { parseArgs } from 'node:util';
import { generateDemand } from './demand.js';
import { DEFAULT_PARAMETERS, LOADS, SCENARIOS } from './parameters.js';
import { layOutAccounts, simulateWeek, type PolicyName, type WeekOutcome } from './simulate.js';
import { loadHighs, upperBound } from './upper-bound.js';
import { checkTargets, formatTable, type Cell } from './report.js';

const POLICIES: readonly PolicyName[] = ['pace', 'sticky', 'round-robin', 'least-used', 'clairvoyant-pace'];

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '8' },
    scenario: { type: 'string' },
    loads: { type: 'string' },
    markdown: { type: 'boolean', default: false },
  },
});
const seeds = Array.from({ length: Number(values.seeds) }, (_, index) => index + 1);
const scenarios = SCENARIOS.filter((scenario) => values.scenario === undefined || scenario.name === values.scenario);
const loads = values.loads ? values.loads.split(',').map(Number) : LOADS;
if (seeds.length === 0 || scenarios.length === 0 || loads.some((load) => !(load > 0))) {
  console.error(`Nothing to run: --seeds must be at least 1, --scenario one of ${SCENARIOS.map((s) => `"${s.name}"`).join(', ')}, --loads positive numbers.`);
  process.exit(2);
}

const started = Date.now();
let lpMs = 0;
const solver = await loadHighs();
const cells: Cell[] = [];
for (const scenario of scenarios) {
  for (const load of loads) {
    const outcomes = new Map<PolicyName, { outcome: WeekOutcome; bound: number }[]>(POLICIES.map((policy) => [policy, []]));
    const boundShares: number[] = [];
    for (const seed of seeds) {
      const runSeed = seed * 1_000 + Math.round(load * 100) + scenario.accounts.length * 100_000;
      const setup = layOutAccounts(scenario, DEFAULT_PARAMETERS, runSeed);
      const weeklyQuota = setup.weeklyUnits.reduce((sum, units) => sum + units, 0);
      const demand = generateDemand(DEFAULT_PARAMETERS, load * weeklyQuota, runSeed);
      const lpStarted = Date.now();
      const bound = upperBound(solver, setup, demand, DEFAULT_PARAMETERS);
      lpMs += Date.now() - lpStarted;
      boundShares.push(bound / demand.totalUnits);
      for (const policy of POLICIES) outcomes.get(policy)!.push({ outcome: simulateWeek(policy, setup, demand, DEFAULT_PARAMETERS, runSeed), bound });
    }
    for (const policy of POLICIES) cells.push({ scenario: scenario.name, load, policy, runs: outcomes.get(policy)!, boundShares });
    console.error(`[bench:week] ${scenario.name} at ${load}x done (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
}

const seconds = (Date.now() - started) / 1000;
console.log(formatTable(cells, { markdown: values.markdown }));
console.log();
const targets = checkTargets(cells);
for (const line of targets.lines) console.log(line);
console.log(
  `\n${targets.met} targets met, ${targets.missed} missed. ${seeds.length} seeds, ${seconds.toFixed(0)} s (upper bounds ${(lpMs / 1000).toFixed(0)} s) on ${process.version}.`,
);
process.exitCode = 0;
